"""Prints, as JSON, every value openpyxl reads from the given workbooks with data_only=True
(the official SpreadsheetBench grader's view): per file its sheet names and per sheet the cells
that hold a value, keyed "column,row". A workbook openpyxl cannot open gives {"error": ...}.
Used by src/benchmarks/spreadsheetbench/xlsx/book.openpyxl.test.ts."""
import sys, json, datetime, warnings
warnings.filterwarnings("ignore")
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
EPOCH = datetime.datetime(1899, 12, 30)
def enc(v):
    if v is None: return None
    if isinstance(v, bool): return ["bool", v]
    if isinstance(v, (int, float)): return ["number", repr(float(v))]
    if isinstance(v, datetime.datetime):
        d = v - EPOCH; return ["datetime", d.days, d.seconds]
    if isinstance(v, datetime.date): 
        d = datetime.datetime(v.year, v.month, v.day) - EPOCH; return ["date", d.days]
    if isinstance(v, datetime.time): return ["time", v.hour, v.minute, v.second, v.microsecond]
    if isinstance(v, datetime.timedelta): return ["timedelta", v.days*86400*10**6 + v.seconds*10**6 + v.microseconds]
    if isinstance(v, str): return ["string", v]
    return ["other", repr(v)]
out = {}
for path in sys.argv[1:]:
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:
        out[path] = {"error": repr(e)}; continue
    sheets = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c, MergedCell): continue
                e = enc(c.value)
                if e is not None: cells[f"{c.column},{c.row}"] = e
        sheets[ws.title] = {"cells": cells, "maxRow": ws.max_row, "maxCol": ws.max_column}
    out[path] = {"sheetnames": wb.sheetnames, "sheets": sheets}
print(json.dumps(out))
