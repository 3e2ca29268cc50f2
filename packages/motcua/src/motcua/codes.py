"""Code patterns: a procedure's code on the national portal and a dossier's code from the provincial software."""

from __future__ import annotations

import re

# "1.001193", "2.000815.000.00.00.H56": the national portal's procedure code (the whole string).
PROCEDURE_CODE = re.compile(r"^\d\.\d{6}(\.[0-9A-Za-z]+)*$")
# The same code inside a text.
PROCEDURE_CODE_IN_TEXT = re.compile(r"(?<![\w.])\d\.\d{6}(?:\.[0-9A-Za-z]+)*(?![\w])")
# "000.00.06.H56-261105-0003": the receiving unit's code, the date received (yymmdd) and a running number (3 to 6
# digits, as the provinces' one-stop software write it), inside a text; case-insensitive.
DOSSIER_CODE_IN_TEXT = re.compile(r"(?<![\w.])[0-9A-Za-z][0-9A-Za-z.]*-\d{6}-\d{3,6}(?!\w)")
