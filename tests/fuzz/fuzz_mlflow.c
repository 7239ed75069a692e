/* SPDX-License-Identifier: MIT */
/*
 * An MLflow file store through a dry importer. The input, split at 0xFF
 * bytes, is the experiment's meta.yaml, the run's meta.yaml, a metric
 * file, a param and a tag of one run in mlruns/1/. Any input must end in 0
 * or an LL_E* code.
 */
#include "fuzz_import_files.h"
#include "import/import.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const files[] = {
        "mlruns/1/meta.yaml", "mlruns/1/r1/meta.yaml",
        "mlruns/1/r1/metrics/loss", "mlruns/1/r1/params/lr",
        "mlruns/1/r1/tags/team",
    };
    struct importer *im = NULL;
    const uint8_t *piece;
    char path[512];
    size_t i, n;
    int rc;

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        n = fuzz_piece(&data, &size, &piece);
        fuzz_write(files[i], piece, n);
    }
    snprintf(path, sizeof(path), "%s/mlruns", fuzz_dir());
    FUZZ_CHECK(importer_new(&im, NULL, "fuzz", "fuzz", 1) == 0);
    rc = import_mlflow(im, path);
    FUZZ_CHECK(rc == 0 || rc == LL_EINPUT || rc == LL_EIO);
    importer_free(im);
    return 0;
}
