/* SPDX-License-Identifier: MIT */
/* lablog's version: printed by --version, checked between the program and
 * its render plugin (plugin/plugin.h). */
#ifndef LABLOG_UTIL_VERSION_H
#define LABLOG_UTIL_VERSION_H

#define LABLOG_VERSION "0.1.0"

#endif
