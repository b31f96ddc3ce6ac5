/* completion: the words a shell may complete on pdmon's command line, for
 * scripts/pdmon-completion.bash (and the man page check): the commands,
 * each command's options and their values, the positionals, and from the
 * store and pack the indicator ids, organizations, municipalities, years
 * and cycles. Reached as the hidden command 'pdmon __complete'; it writes
 * one word a line and never an error (a shell completing must stay quiet).
 * "@files" and "@dirs" ask the shell for file or folder names. */
#ifndef PDMON_COMPLETION_H
#define PDMON_COMPLETION_H

#include "commands.h"

/*   __complete commands
 *   __complete options CMD               --NAME, or --NAME=VALUE for one that takes a value; -X likewise
 *   __complete values CMD -X [PREFIX]    by the short name
 *   __complete words CMD N [PREFIX]      the N-th positional (from 0)
 *   __complete values CMD OPTION [PREFIX]
 * argv[0] is "__complete"; args holds the global options (--db, --pack).
 * Returns the exit status (0; 2 for a malformed request). */
int completion_run(int argc, char **argv, const command_args *args);

#endif
