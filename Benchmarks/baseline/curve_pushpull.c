/* The baseline for Benchmarks/ZeroMQBench: the same CURVE PUSH/PULL workload written directly against libzmq.
 * usage: curve_pushpull SIZE COUNT  -> prints "messages/s" as one number. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static char server_public[41], server_secret[41], client_public[41], client_secret[41], endpoint[256];
static size_t size;
static long count;
static void *context;

static void check(int rc, const char *what) {
    if (rc != 0) { fprintf(stderr, "%s: %s\n", what, zmq_strerror(zmq_errno())); exit(1); }
}

static void *sender(void *unused) {
    (void)unused;
    void *push = zmq_socket(context, ZMQ_PUSH);
    check(zmq_setsockopt(push, ZMQ_CURVE_SERVERKEY, server_public, 40), "serverkey");
    check(zmq_setsockopt(push, ZMQ_CURVE_PUBLICKEY, client_public, 40), "publickey");
    check(zmq_setsockopt(push, ZMQ_CURVE_SECRETKEY, client_secret, 40), "secretkey");
    check(zmq_connect(push, endpoint), "connect");
    char *payload = calloc(1, size);
    for (long i = 0; i < count; i++) {
        if (zmq_send(push, payload, size, 0) < 0) { fprintf(stderr, "send failed\n"); exit(1); }
    }
    free(payload);
    int linger = -1;
    zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(push);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s SIZE COUNT\n", argv[0]); return 2; }
    size = (size_t)atol(argv[1]);
    count = atol(argv[2]);
    context = zmq_ctx_new();
    zmq_ctx_set(context, ZMQ_IO_THREADS, 2);
    check(zmq_curve_keypair(server_public, server_secret), "keypair");
    check(zmq_curve_keypair(client_public, client_secret), "keypair");

    void *pull = zmq_socket(context, ZMQ_PULL);
    int one = 1;
    check(zmq_setsockopt(pull, ZMQ_CURVE_SERVER, &one, sizeof one), "curve server");
    check(zmq_setsockopt(pull, ZMQ_CURVE_SECRETKEY, server_secret, 40), "secretkey");
    check(zmq_bind(pull, "tcp://127.0.0.1:*"), "bind");
    size_t length = sizeof endpoint;
    zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, endpoint, &length);

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t thread;
    pthread_create(&thread, NULL, sender, NULL);
    zmq_msg_t message;
    zmq_msg_init(&message);
    for (long i = 0; i < count; i++) {
        if (zmq_msg_recv(&message, pull, 0) < 0) { fprintf(stderr, "recv failed\n"); return 1; }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    zmq_msg_close(&message);
    pthread_join(thread, NULL);
    zmq_close(pull);
    zmq_ctx_term(context);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%.0f\n", count / seconds);
    return 0;
}
