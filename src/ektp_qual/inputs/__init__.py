"""Reading what a researcher writes: transcripts, codebooks, findings, review files."""
