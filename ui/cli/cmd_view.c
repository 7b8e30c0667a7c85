/* view — `artriage view FILE`: the console's log view on a log file, as a
 * pager with the classifier's findings inline (the cause line marked, ]/[
 * between findings, / ? n N & search and filter, w write, y copy). It
 * never contacts the cluster. */
#include "cli.h"
#include "view.h"
#include "util/err.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *view_path;

static struct view *open_file_view(struct console *c)
{
    char err[ERRLEN];
    struct view *v = logs_view_file(c, view_path, err, sizeof err);
    if (!v) console_say(c, true, "%s", err);
    return v;
}

int cmd_view(struct cli *cli, int argc, char **argv)
{
    if (argc != 2) return cli_usage("view", "one log file is needed");
    view_path = argv[1];
    /* fail before the screen is taken over */
    int fd = open(view_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return cli_fail("log file %s: %s", view_path, strerror(errno));
    close(fd);
    cli->offline = true;
    console_first_view = open_file_view;
    return console_main(cli);
}
