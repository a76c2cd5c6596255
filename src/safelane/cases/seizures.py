"""What a seizure record says, in the words of the WCO Customs Enforcement Network (CEN).

Each vocabulary maps the stored code to the label an officer reads. Codes are stable (exports, the
dashboard and the store keep them); labels may be reworded. Seizures recorded with these codes can
be reported to the CEN database and compared across offices and administrations.
"""

# Commodity categories after the WCO CEN commodity groups (drugs, tobacco, alcohol, IPR, weapons,
# environment/CITES, currency, medicines, strategic goods), grouped as a targeting officer files them.
COMMODITIES: dict[str, str] = {
    "cocaine": "Cocaine",
    "heroin": "Heroin and other opioids",
    "cannabis": "Cannabis (herbal, resin, oil)",
    "synthetic_drugs": "Synthetic drugs (ATS, NPS)",
    "precursors": "Drug precursors",
    "cigarettes": "Cigarettes",
    "tobacco": "Other tobacco products",
    "alcohol": "Alcohol and alcoholic beverages",
    "counterfeit_goods": "Counterfeit goods",
    "ipr": "Other IPR infringements (pirated goods)",
    "weapons": "Weapons and firearms",
    "ammunition": "Ammunition",
    "explosives": "Explosives",
    "cites_wildlife": "CITES wildlife, flora and fauna",
    "cash": "Cash and bearer negotiable instruments",
    "medicines": "Medicines and pharmaceuticals",
    "strategic_goods": "Strategic (dual-use) goods",
    "other": "Other (describe)",
}

UNITS: dict[str, str] = {
    "kg": "kg",
    "g": "g",
    "l": "litres",
    "pieces": "pieces",
    "cartons": "cartons",
    "units": "units",
}

CONCEALMENTS: dict[str, str] = {
    "natural_cavity": "Natural cavity of the means of transport",
    "false_compartment": "False compartment, double wall or floor",
    "within_goods": "Within the goods",
    "mixed_with_goods": "Mixed with legitimate goods",
    "body": "On or in the body",
    "luggage": "In luggage",
    "container_structure": "In the container structure (refrigeration unit, frame)",
    "vehicle": "In a vehicle",
    "mail_item": "In a mail or express item",
    "undeclared": "None: undeclared or misdeclared in plain view",
}

DETECTIONS: dict[str, str] = {
    "risk_profile": "Risk profile (targeting)",
    "random_selection": "Random selection",
    "nii_scan": "NII scan (X-ray, gamma)",
    "physical_examination": "Physical examination",
    "detector_dog": "Detector dog",
    "intelligence": "Intelligence or tip-off",
    "documentary_check": "Documentary check",
    "other": "Other",
}

OFFENCES: dict[str, str] = {
    "smuggling": "Smuggling",
    "misdescription": "Misdeclaration of description",
    "undervaluation": "Undervaluation",
    "origin_fraud": "Origin fraud",
    "ipr_infringement": "IPR infringement",
    "sanctions_export_control": "Sanctions or export control violation",
    "prohibited_goods": "Prohibited goods",
    "other": "Other",
}

#: The CEN fields of a seizure, in the order an export lists them; vocabulary fields name their vocabulary.
FIELDS: dict[str, dict[str, str] | None] = {
    "commodity": COMMODITIES,
    "quantity": None,
    "unit": UNITS,
    "concealment": CONCEALMENTS,
    "detection": DETECTIONS,
    "offence": OFFENCES,
    "hs_code": None,
    "description": None,
}

#: How the decision picked the consignment, as the likeliest detection method (a default the officer may change).
DETECTION_BY_SELECTION = {
    "risk": "risk_profile",
    "mandatory": "risk_profile",
    "random": "random_selection",
    "exploration": "random_selection",
}


def label(field: str, code: str | None) -> str:
    """The officer's words for a stored code (the code itself when the vocabulary no longer has it)."""
    vocabulary = FIELDS.get(field)
    return "" if code is None else (vocabulary or {}).get(code, code)
