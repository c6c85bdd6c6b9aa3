#ifndef IBLAGH_CLIBPQ_SHIM_H
#define IBLAGH_CLIBPQ_SHIM_H
// PostgreSQL's C client (Debian's libpq-dev), for IblaghStore's PostgresStore.
#include <libpq-fe.h>
#endif
