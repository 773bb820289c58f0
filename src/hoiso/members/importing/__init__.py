"""Importing member lists from the spreadsheets units keep (XLSX, XLS, ODS, CSV).

The steps, each in its own module: `columns` proposes which file column holds which field;
`parse` turns a cell into a value; `plan` is the dry run (what every row would do and why
not); `apply` writes through the member services' rules; `report` writes the error report
that the official fixes and imports again. `services` ties them to an ImportBatch.
"""
