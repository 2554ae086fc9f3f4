"""The researcher's loop: validating a codebook, its examples, review and agreement."""
