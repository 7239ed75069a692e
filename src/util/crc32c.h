/* SPDX-License-Identifier: MIT */
/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord
 * files use it; crc32c("123456789") is 0xE3069283. */
#ifndef LABLOG_UTIL_CRC32C_H
#define LABLOG_UTIL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32c(const void *data, size_t len);

/* TFRecord's masked form: rotate right by 15, add 0xa282ead8. */
uint32_t crc32c_masked(const void *data, size_t len);

#endif
