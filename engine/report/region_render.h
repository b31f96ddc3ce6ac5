/* region_render: the renderers of the region's report, each writing a region opened by
 * region_open as its rows are read (HTML, Markdown, JSON, CSV for Russian Excel). Internal to
 * engine/report; region_write chooses among them. Each returns 0, or -1 on a store error. */
#ifndef PDMON_REGION_RENDER_H
#define PDMON_REGION_RENDER_H

#include <stdio.h>

#include "region.h"

int region_html(region *r, FILE *out);
int region_json(region *r, FILE *out);
int region_csv(region *r, FILE *out);
int region_md(region *r, FILE *out);

#endif
