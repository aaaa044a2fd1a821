"""A reference for `npm run bench`: grades SpreadsheetBench outputs with openpyxl the way the
official evaluation script does its work -- both workbooks fully loaded with
load_workbook(data_only=True), then the answer cells compared (numbers rounded to 2 decimals,
datetimes to serial days, times to HH:MM, "" equal to None). Written for this benchmark, not the
official script; it exists to time the same work on the same files.

Usage: python3 ssb_openpyxl.py DATASET_JSON DATA_DIR OUTPUTS_DIR  -> one "id<TAB>True|False" line per output
"""
import datetime
import json
import os
import re
import sys
import warnings

from openpyxl import load_workbook

warnings.filterwarnings("ignore")


def transform(value):
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return round(float(value), 2)
    if isinstance(value, datetime.datetime):
        return round((value - datetime.datetime(1899, 12, 30)).total_seconds() / 86400, 0)
    if isinstance(value, datetime.time):
        return str(value)[:-3]
    if isinstance(value, str):
        try:
            return round(float(value), 2)
        except ValueError:
            return value
    return value


def same(a, b):
    a, b = transform(a), transform(b)
    if a in ("", None) and b in ("", None):
        return True
    return type(a) == type(b) and a == b


def column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def cells(part):
    match = re.fullmatch(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?", part)
    c1, r1 = column_number(match.group(1)), int(match.group(2))
    c2, r2 = (column_number(match.group(3)), int(match.group(4))) if match.group(3) else (c1, r1)
    for column in range(c1, c2 + 1):
        for row in range(r1, r2 + 1):
            yield row, column


def compare(gold_path, output_path, position):
    gold = load_workbook(gold_path, data_only=True)
    output = load_workbook(output_path, data_only=True)
    for part in position.split(","):
        if "!" in part:
            sheet, part = part.split("!")
            sheet = sheet.lstrip("'").rstrip("'")
        else:
            sheet = gold.sheetnames[0]
        if sheet not in output.sheetnames:
            return False
        for row, column in cells(part.strip("'")):
            if not same(gold[sheet].cell(row, column).value, output[sheet].cell(row, column).value):
                return False
    return True


def main():
    dataset, data_dir, outputs_dir = sys.argv[1:4]
    positions = {str(task["id"]): task["answer_position"] for task in json.load(open(dataset))}
    for name in sorted(os.listdir(outputs_dir)):
        task_id = name[len("1_"):-len("_output.xlsx")]
        gold = os.path.join(data_dir, "spreadsheet", task_id, f"1_{task_id}_answer.xlsx")
        try:
            verdict = compare(gold, os.path.join(outputs_dir, name), positions[task_id])
        except Exception:
            verdict = False
        print(f"{task_id}\t{verdict}")


main()
