/* commands.c: the table of pdmon's commands and their options, the one
 * place to look for what the command line accepts. Adding an option is one
 * line here (its long name, short letter, kind, value name and help) and
 * reading it with opt_value/opt_given/opt_list in the command's function.
 * The help, the man page check and the shell completion read this table.
 * The promises are in commands.h. */
#include "commands.h"

#include <string.h>

#include "i18n.h"

#define FLAG(name, help) {name, 0, OPT_FLAG, NULL, help}
#define VALUE(name, value_name, help) {name, 0, OPT_VALUE, value_name, help}
#define LIST(name, value_name, help) {name, 0, OPT_LIST, value_name, help}

const command_def command_table[] = {
    {"init", command_init, "[--pack DIR] [--municipality CODE] [--municipality-name NAME]",
     N_("Create or upgrade the store; record the default pack and municipality."), 0, 0,
     {VALUE("municipality", "CODE", N_("the municipality whose data the store holds by default")),
      VALUE("municipality-name", "NAME", N_("its name as reports print it, when the pack does not give one"))}},
    {"import", command_import,
     "ENTITY FILE [--dry-run] [--skip-invalid] [--drop-personal] [--snapshot DATE] [--sheet NAME]"
     " [--encoding utf-8|utf-16le|utf-16be|cp1251|koi8-r|cp866]",
     N_("Load a CSV file or an Excel workbook (.xlsx): organizations, staff, activities, communities, documents, "
        "events, participation, registries or measures (a roadmap)."), 2, 2,
     {FLAG("dry-run", N_("check every row, write nothing")),
      FLAG("skip-invalid", N_("import the valid rows, set the invalid ones aside in FILE.rejected.csv (FILE.rejected.xlsx for a workbook)")),
      VALUE("sheet", "NAME", N_("a workbook's sheet to read (default: the first)")),
      VALUE("encoding", "ENCODING", N_("a CSV file's encoding, when it cannot be told from the file")),
      FLAG("drop-personal", N_("leave out columns of personal data (names, contacts, documents) instead of refusing the file")),
      VALUE("snapshot", "DATE", N_("staff only: the file is the staff list on DATE; who is missing from it has left, who moved has a new span"))}},
    {"template", command_template, "ENTITY [--format xlsx|csv] [-o FILE]",
     N_("Write an empty file of an entity to fill in and import: Russian headers, the required columns marked, "
        "in a workbook drop-down lists of the allowed values and date formats."), 1, 1,
     {VALUE("format", "FORMAT", N_("xlsx (default) or csv")),
      {"output", 'o', OPT_VALUE, "FILE", N_("write to FILE (default: ENTITY.xlsx or ENTITY.csv here)")}}},
    {"check", command_check, "[--pack DIR]", N_("Load and validate a rule pack."), 0, 0, {{0}}},
    {"eval", command_eval, "[--period YEAR] [--indicator ID] [--org ID] [--region | --all] [--format table|json|csv] [--municipality CODE]",
     N_("Evaluate the pack's indicators, per organization and for the municipality."), 0, 0,
     {VALUE("period", "YEAR", N_("the year (default: the latest year with activity data)")),
      FLAG("region", N_("every municipality of the store together, with the region's pack: per organization and the region's total")),
      FLAG("all", N_("every municipality of the store, each on its own with its pack layer over the region's pack: a result per municipality")),
      VALUE("indicator", "ID", N_("only this indicator")),
      VALUE("org", "ID", N_("only this organization")),
      VALUE("format", "FORMAT", N_("table (default), json or csv")),
      VALUE("municipality", "CODE", N_("whose rows, in a store of several municipalities (default: the store's own)"))}},
    {"explain", command_explain, "INDICATOR [--period YEAR] [--org ID] [--cycle N] [--municipality CODE]",
     N_("Show how a value was computed: the sets, the SQL, the counts per organization, the target."), 1, 1,
     {VALUE("period", "YEAR", N_("the year (default: the latest year with activity data)")),
      VALUE("org", "ID", N_("only this organization")),
      VALUE("cycle", "N", N_("with the rules stored by cycle N")),
      VALUE("municipality", "CODE", N_("whose rows, in a store of several municipalities (default: the store's own)"))}},
    {"test", command_test, "[--pack DIR]", N_("Run the pack's own tests (PACK/tests/*.lua)."), 0, 0, {{0}}},
    {"cycle", command_cycle,
     "open --period YEAR [--title T]\n"
     "run | status | analysis | recommendations | close [--cycle N] [--municipality CODE]\n"
     "open --all --period YEAR [--title T] [--pack DIR]\n"
     "run --all [--period YEAR] [--pack DIR]\n"
     "status | analysis [--format table|json]\n"
     "status --all [--period YEAR] [--format table|json]\n"
     "recommendations [--to ADDRESSEE]\n"
     "rejudge [--cycle N | --all] [--pack DIR] [--dry-run]",
     N_("Run the management cycle: open a period, run the monitoring, analysis and recommendations, "
        "show its status, close it; re-judge stored results against changed targets."), 1, 1,
     {VALUE("period", "YEAR", N_("the period of the cycle to open (with run --all and status --all: to run, to show; default: the latest)")),
      VALUE("title", "TITLE", N_("the title of the cycle to open")),
      VALUE("cycle", "N", N_("this cycle (default: the latest)")),
      VALUE("format", "FORMAT", N_("table (default) or json")),
      VALUE("to", "ADDRESSEE", N_("only the recommendations to this addressee")),
      VALUE("municipality", "CODE", N_("whose cycle, in a store of several municipalities (default: the store's own)")),
      FLAG("all", N_("open or run the cycle of every municipality of the store, each its own, with its layer over the region's pack; status: one line per municipality; rejudge: every cycle of the store that ran and is not closed")),
      FLAG("dry-run", N_("rejudge: show what the pack's targets would change, store nothing"))}},
    {"measure", command_measure,
     "list [--cycle N] [--due|--overdue] [--on DATE]\ndone ID --document DOC_ID [--occurrence YEAR]",
     N_("List the roadmap's measures on a date, or mark a measure (or one year's occurrence of it) done by a document."), 1, 2,
     {FLAG("due", N_("only the measures due on the date")),
      FLAG("overdue", N_("only the overdue measures")),
      VALUE("on", "DATE", N_("the date (default: today; with --cycle, the last day of its period)")),
      VALUE("cycle", "N", N_("only the measures of cycle N, judged as its report judges them")),
      VALUE("document", "DOC_ID", N_("the document that shows the measure is done")),
      VALUE("occurrence", "YEAR", N_("mark only this year's occurrence of a recurring measure done"))}},
    {"decision", command_decision,
     "add --kind order|protocol --number N --date DATE --title T [--link URL] [--measure ID]... [--cycle N]",
     N_("Record a management decision (an order or a protocol) and the measures it concerns."), 1, 1,
     {VALUE("kind", "KIND", N_("order (default) or protocol")),
      VALUE("number", "N", N_("the document's number")),
      VALUE("date", "DATE", N_("the document's date")),
      VALUE("title", "TITLE", N_("the document's title")),
      VALUE("link", "URL", N_("where the document is published")),
      VALUE("cycle", "N", N_("this cycle (default: the latest)")),
      LIST("measure", "ID", N_("a measure the decision concerns"))}},
    {"report", command_report, "[--cycle N] --format html|md|json|csv|xlsx [--org ID] [--as-of DATE] [--plain] [-o FILE]\n"
     "--region [--period YEAR] --format html|md|json|csv|xlsx [-o FILE | --out DIR]",
     N_("Write the cycle's report: an HTML page, Markdown, JSON, CSV or an Excel workbook; with --region, the region's "
        "report of every municipality's cycle."), 0, 0,
     {VALUE("cycle", "N", N_("this cycle (default: the latest)")),
      FLAG("region", N_("the region's report: every municipality of the store, from the cycle each ran for the period")),
      VALUE("period", "YEAR", N_("--region: the cycles of this year (default: the latest year with a cycle that has run)")),
      VALUE("out", "DIR", N_("--region: write DIR/region.FORMAT and each municipality's own report in DIR/municipalities/")),
      VALUE("format", "FORMAT", N_("html, md, json, csv or xlsx")),
      VALUE("org", "ID", N_("one organization's page")),
      VALUE("as-of", "DATE", N_("judge the roadmap on DATE (default: the last day of the cycle's period)")),
      FLAG("plain", N_("csv: the machine form (codes, '.' decimals, ',' separated) instead of Russian Excel's")),
      {"output", 'o', OPT_VALUE, "FILE", N_("write to FILE (default: standard output; xlsx needs it)")}}},
    {"repl", command_repl, "[-e CHUNK]... [--municipality CODE] [FILE | -]",
     N_("The analyst's console: the packs' language on the store (a script on standard input when it is not a terminal)."),
     0, 1,
     {{"execute", 'e', OPT_LIST, "CHUNK", N_("run CHUNK and print its values, instead of the console")},
      VALUE("municipality", "CODE", N_("whose rows, in a store of several municipalities (default: the store's own)"))}},
    {"demo", command_demo, "[--out DIR]", N_("Run the embedded example through two cycles to a report."), 0, 0,
     {VALUE("out", "DIR", N_("where to write the store and reports (default: pdmon-demo)"))}},
    {"vocabulary", command_vocabulary, "",
     N_("Print every controlled value with its code, Russian label and accepted names (docs/vocabulary.md)."), 0, 0,
     {{0}}},
    {"synth", command_synth,
     "--scale municipality|region|country --seed N --out DIR [--municipality CODE] [--organizations N]",
     N_("Write deterministic synthetic data in the CSV formats of import."), 0, 0,
     {VALUE("scale", "SCALE", N_("municipality, region or country")),
      VALUE("seed", "N", N_("the seed (default: 1)")),
      VALUE("out", "DIR", N_("the folder to write")),
      VALUE("municipality", "CODE", N_("the code of the (first) municipality")),
      VALUE("organizations", "N", N_("organizations per municipality"))}},
    {"serve", command_serve,
     "[--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--max-upload-mb N] [--max-rows N] [--upload-dir DIR]",
     N_("Serve the web workplace for the municipality's and schools' staff (docs/web.md)."), 0, 0,
     {VALUE("listen", "HOST:PORT", N_("where to listen (default: 127.0.0.1:8080, this machine only)")),
      VALUE("tls-cert", "FILE", N_("serve HTTPS with this PEM certificate")),
      VALUE("tls-key", "FILE", N_("the PEM private key of the certificate")),
      VALUE("max-upload-mb", "N", N_("the largest request body and uploaded file (default: 32)")),
      VALUE("max-rows", "N", N_("the most rows of an uploaded file (default: 200000)")),
      VALUE("upload-dir", "DIR", N_("where uploads wait for their import (default: a fresh folder)"))}},
    {"user", command_user, "add LOGIN --role region|municipality|school|admin [--municipality CODE] [--org ID]",
     N_("Add an account of the web workplace (or reset its password); the password is asked for or read from standard input."),
     2, 2,
     {VALUE("role", "ROLE", N_("region, municipality, school or admin")),
      VALUE("municipality", "CODE", N_("the municipality of a municipality account")),
      VALUE("org", "ID", N_("the organization of a school account"))}},
    {NULL, NULL, NULL, NULL, 0, 0, {{0}}},
};

const command_def *command_find(const char *name) {
  for (const command_def *c = command_table; c->name; c++)
    if (!strcmp(c->name, name)) return c;
  return NULL;
}
