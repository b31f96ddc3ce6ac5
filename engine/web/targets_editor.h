/* targets_editor: the municipality adapts its targets without recompiling.
 * The form lists the pack's indicators with their current target phrases;
 * a phrase is read as it is typed by the same parser as 'pdmon check'
 * (stdlib/targets.lua, PCRE2, in the sandbox) and refused with its message
 * when it cannot be read; saving writes the phrases into the municipality's
 * own pack layer (PACK/targets_override.lua, never the region's pack), keeps
 * the previous version in PACK/.targets-history/, re-judges the open
 * cycle, and puts the change and its author into the audit table. */
#ifndef PDMON_TARGETS_EDITOR_H
#define PDMON_TARGETS_EDITOR_H

#include <stddef.h>

#include "http.h"

void targets_editor_form(web_request *r);
void targets_editor_check(web_request *r);
void targets_editor_save(web_request *r);
void targets_editor_script(web_request *r);

/* Reads phrase with the packs' parser for year: 1 when it reads (what it
 * means, in Russian, in out), 0 when it does not (the parser's message in
 * out), -1 when the parser could not run. */
int targets_editor_read_phrase(const char *phrase, int year, char *out, size_t outlen);

/* Writes s as a Lua string literal that can hold nothing but text. */
void targets_editor_lua_string(FILE *out, const char *s);

#endif
