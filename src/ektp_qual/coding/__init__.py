"""The automatic coder: codebook phrases and the words around them, sentence by sentence."""
