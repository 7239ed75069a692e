/* SPDX-License-Identifier: MIT */
/* Period defaults and bounds (see period.h). */
#include "model/period.h"

#include "util/err.h"
#include "util/timeutil.h"

int64_t period_daily_since(int64_t now, int64_t last_update)
{
    return last_update ? last_update + 1 : time_prev_workday(now);
}

int64_t period_deck_cutoff(int64_t end)
{
    return time_day_start(end, 0);
}

int64_t period_deck_since(int64_t end, int64_t last_deck_until)
{
    return last_deck_until ? last_deck_until
                           : time_day_start(end, PERIOD_DECK_DAYS);
}

int period_check(int64_t since, int64_t until)
{
    if (until && since >= until)
        return ll_error(LL_EUSAGE, "the period is empty: --since is not "
                        "before --until");
    return 0;
}
