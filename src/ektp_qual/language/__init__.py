"""Words and their keys: tokenising, stemming and the discourse words of each language."""
