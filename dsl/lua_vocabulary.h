/* lua_vocabulary: the vocabulary table (vocabulary.h) for the stdlib, so
 * that a pack's literal values are checked against the same codes and
 * Russian labels as the CSV files, when the pack is loaded. Read-only. */
#ifndef PDMON_LUA_VOCABULARY_H
#define PDMON_LUA_VOCABULARY_H

#include <lua.h>

/* Returns the module table:
 *   code(name, value)   -> the code value names, or nil, nearest name, nearest code
 *   members(name, code) -> list of code and the codes of its group's members
 *   codes(name)         -> list of every code of the vocabulary
 *   label(name, code)   -> the Russian label, or nil
 *   fold(text)          -> text in lower case (Cyrillic too, Ё as е), trimmed
 * An unknown vocabulary name raises an error. */
int luaopen_pdmon_vocabulary(lua_State *L);

#endif
