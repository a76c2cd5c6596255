"""The learned risk model: mapping, dataset, leakage-free features, training, scoring, explanations, evaluation.

One module per job. Nothing here reads labels while scoring; evaluation is a separate step on scores.
"""

MODEL = "model"  # the assessor of the learned model's findings (here, so selection reads it without loading LightGBM)
