"""Officer workflow: the queue, case actions, inspection outcomes and seizures."""
