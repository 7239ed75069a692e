/* SPDX-License-Identifier: MIT */
/* W&B exports (panel CSV, history JSONL/CSV) through a dry importer: the
 * input is the file. Any input must end in 0 or an LL_E* code. */
#include "fuzz_import_files.h"
#include "import/import.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct importer *im = NULL;
    char path[512];
    int rc;

    fuzz_write("export.csv", data, size);
    snprintf(path, sizeof(path), "%s/export.csv", fuzz_dir());
    FUZZ_CHECK(importer_new(&im, NULL, "fuzz", "fuzz", 1) == 0);
    rc = import_wandb(im, path, NULL);
    FUZZ_CHECK(rc == 0 || rc == LL_EINPUT || rc == LL_EIO);
    importer_free(im);
    return 0;
}
