#!/usr/bin/python3
"""Writes a hostile Excel workbook for the corpus (tests/hostile/cases/xlsx-*.case).

Usage: make_xlsx.py OUT KIND
KIND: bomb (a sheet of 200 MB of white space deflated to some 200 KB), laughs
(shared strings with nested entities: a billion laughs), external (a DTD naming
/etc/passwd as an external entity), deep (elements nested 100 000 deep),
shared (4 194 305 shared strings, stored uncompressed so no ratio stops them),
rows (a row numbered past Excel's 1 048 576), columns (a cell past column XFD).
Every workbook is otherwise well formed: a staff list's header in row 1.
"""
import sys
import zipfile

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS = '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>'
REL = '<Relationship Id="%s" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" Target="%s"/>'
HEADER = ('<row r="1">' + ''.join('<c t="inlineStr"><is><t>%s</t></is></c>' % h for h in
          ("id", "organization_id", "position", "birth_year", "career_start_year")) + '</row>')


def sheet(rows, prefix=""):
    return '<?xml version="1.0"?>%s<worksheet %s><sheetData>%s%s</sheetData></worksheet>' % (prefix, MAIN, HEADER, rows)


def write(out, sheet_xml, shared_xml=None, stored=False):
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as z:
        z.writestr("_rels/.rels", RELS % (REL % ("rId1", "officeDocument", "xl/workbook.xml")))
        z.writestr("xl/workbook.xml", '<workbook %s xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="Кадры" sheetId="1" r:id="rId1"/></sheets></workbook>' % MAIN)
        rels = REL % ("rId1", "worksheet", "worksheets/sheet1.xml")
        if shared_xml is not None:
            rels += REL % ("rId2", "sharedStrings", "sharedStrings.xml")
        z.writestr("xl/_rels/workbook.xml.rels", RELS % rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_xml is not None:
            z.writestr("xl/sharedStrings.xml", shared_xml)


def main():
    out, kind = sys.argv[1], sys.argv[2]
    if kind == "bomb":
        write(out, sheet(" " * (200 << 20)))
    elif kind == "laughs":
        entities = '<!ENTITY lol0 "lol">' + "".join(
            '<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10) for i in range(1, 10))
        write(out, sheet('<row r="2"><c t="s"><v>0</v></c></row>'),
              '<?xml version="1.0"?><!DOCTYPE sst [%s]><sst %s><si><t>&lol9;</t></si></sst>' % (entities, MAIN))
    elif kind == "external":
        write(out, sheet('<row r="2"><c t="inlineStr"><is><t>&passwd;</t></is></c></row>',
                         '<!DOCTYPE worksheet [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>'))
    elif kind == "deep":
        write(out, sheet('<row r="2"><c t="inlineStr"><is>%s%s</is></c></row>' % ("<r>" * 100000, "</r>" * 100000)))
    elif kind == "shared":
        strings = "".join("<si><t>%d</t></si>" % i for i in range(4194305))
        write(out, sheet('<row r="2"><c t="s"><v>0</v></c></row>'), '<sst %s>%s</sst>' % (MAIN, strings), stored=True)
    elif kind == "rows":
        write(out, sheet('<row r="2"><c><v>1</v></c></row><row r="1048577"><c><v>1</v></c></row>'))
    elif kind == "columns":
        write(out, sheet('<row r="2"><c r="XFE2"><v>1</v></c></row>'))
    else:
        sys.exit("unknown kind " + kind)


main()
