#ifndef IBLAGH_CZEROMQ_SHIM_H
#define IBLAGH_CZEROMQ_SHIM_H
#include <zmq.h>
#include <sys/eventfd.h>
#endif
