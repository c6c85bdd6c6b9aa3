/* Peer benchmark for Benchmarks/hop.sh: produce -> durable consume -> ack on a RabbitMQ quorum queue: persistent
 * messages, publisher confirms (at most 1,000 unconfirmed), two consumers with prefetch 1,000 acking each message.
 * usage: rabbitmq_quorum PORT SIZE COUNT   -> prints messages/s (first publish to last ack). */
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int port, size;
static long count;
static atomic_long consumed;

static void check(amqp_rpc_reply_t reply, const char *what) {
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) { fprintf(stderr, "%s failed (%d)\n", what, reply.reply_type); exit(1); }
}

static amqp_connection_state_t open_channel(void) {
    amqp_connection_state_t conn = amqp_new_connection();
    amqp_socket_t *socket = amqp_tcp_socket_new(conn);
    if (amqp_socket_open(socket, "127.0.0.1", port) != AMQP_STATUS_OK) { fprintf(stderr, "cannot connect\n"); exit(1); }
    check(amqp_login(conn, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login");
    amqp_channel_open(conn, 1);
    check(amqp_get_rpc_reply(conn), "channel open");
    return conn;
}

static void *consumer(void *unused) {
    (void)unused;
    amqp_connection_state_t conn = open_channel();
    amqp_basic_qos(conn, 1, 0, 1000, 0);
    check(amqp_get_rpc_reply(conn), "qos");
    amqp_basic_consume(conn, 1, amqp_cstring_bytes("bench"), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    check(amqp_get_rpc_reply(conn), "consume");
    struct timeval timeout = {0, 200000};
    while (atomic_load(&consumed) < count) {
        amqp_envelope_t envelope;
        amqp_maybe_release_buffers(conn);
        amqp_rpc_reply_t reply = amqp_consume_message(conn, &envelope, &timeout, 0);
        if (reply.reply_type != AMQP_RESPONSE_NORMAL) continue;  // timeout: check whether everything is consumed
        amqp_basic_ack(conn, 1, envelope.delivery_tag, 0);
        amqp_destroy_envelope(&envelope);
        atomic_fetch_add(&consumed, 1);
    }
    amqp_channel_close(conn, 1, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s PORT SIZE COUNT\n", argv[0]); return 2; }
    port = atoi(argv[1]); size = atoi(argv[2]); count = atol(argv[3]);
    amqp_connection_state_t conn = open_channel();
    amqp_table_entry_t entry;
    entry.key = amqp_cstring_bytes("x-queue-type");
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = amqp_cstring_bytes("quorum");
    amqp_table_t arguments = {1, &entry};
    amqp_queue_declare(conn, 1, amqp_cstring_bytes("bench"), 0, 1, 0, 0, arguments);
    check(amqp_get_rpc_reply(conn), "declare quorum queue");
    amqp_confirm_select(conn, 1);
    check(amqp_get_rpc_reply(conn), "confirm select");

    char *payload = calloc(1, size);
    amqp_bytes_t body = {(size_t)size, payload};
    amqp_basic_properties_t properties;
    properties._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
    properties.delivery_mode = 2;

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) pthread_create(&threads[i], NULL, consumer, NULL);
    long published = 0, confirmed = 0;
    while (confirmed < count) {
        while (published < count && published - confirmed < 1000) {
            if (amqp_basic_publish(conn, 1, amqp_empty_bytes, amqp_cstring_bytes("bench"), 0, 0, &properties, body) != AMQP_STATUS_OK) {
                fprintf(stderr, "publish failed\n"); return 1;
            }
            published++;
        }
        amqp_frame_t frame;
        if (amqp_simple_wait_frame(conn, &frame) != AMQP_STATUS_OK) { fprintf(stderr, "wait failed\n"); return 1; }
        if (frame.frame_type == AMQP_FRAME_METHOD && frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
            amqp_basic_ack_t *ack = frame.payload.method.decoded;
            confirmed = ack->multiple ? (long)ack->delivery_tag : confirmed + 1;
        } else if (frame.frame_type == AMQP_FRAME_METHOD && frame.payload.method.id == AMQP_BASIC_NACK_METHOD) {
            fprintf(stderr, "broker refused a message\n"); return 1;
        }
    }
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%.0f\n", count / seconds);
    amqp_queue_delete(conn, 1, amqp_cstring_bytes("bench"), 0, 0);
    amqp_channel_close(conn, 1, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn);
    free(payload);
    return 0;
}
