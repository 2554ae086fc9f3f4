"""What a researcher reads: the terminal, CSV tables, the workbook, report and figures."""
