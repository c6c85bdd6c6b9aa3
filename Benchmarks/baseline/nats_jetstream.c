/* Peer benchmark for Benchmarks/hop.sh: produce -> durable consume -> ack on NATS JetStream (file storage, work-queue
 * stream, explicit acks), one publisher and two pull consumers sharing a durable consumer.
 * usage: nats_jetstream URL SIZE COUNT   -> prints messages/s (first publish to last ack flushed). */
#include <nats/nats.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *url;
static int size;
static long count;
static atomic_long consumed;

static void fail(const char *what, natsStatus s) { fprintf(stderr, "%s: %s\n", what, natsStatus_GetText(s)); exit(1); }

static void *consumer(void *unused) {
    (void)unused;
    natsConnection *nc; jsCtx *js; natsSubscription *sub; jsErrCode jerr = 0; natsStatus s;
    if ((s = natsConnection_ConnectTo(&nc, url)) != NATS_OK) fail("connect", s);
    if ((s = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK) fail("jetstream", s);
    jsSubOptions so; jsSubOptions_Init(&so);
    so.Config.AckPolicy = js_AckExplicit;
    so.Config.MaxAckPending = 4000;
    if ((s = js_PullSubscribe(&sub, js, "bench", "workers", NULL, &so, &jerr)) != NATS_OK) fail("pull subscribe", s);
    while (atomic_load(&consumed) < count) {
        natsMsgList list;
        s = natsSubscription_Fetch(&list, sub, 256, 500, &jerr);
        if (s == NATS_TIMEOUT) continue;
        if (s != NATS_OK) fail("fetch", s);
        for (int i = 0; i < list.Count; i++) natsMsg_Ack(list.Msgs[i], NULL);
        atomic_fetch_add(&consumed, list.Count);
        natsMsgList_Destroy(&list);
    }
    natsConnection_Flush(nc);
    natsSubscription_Destroy(sub); jsCtx_Destroy(js); natsConnection_Destroy(nc);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s URL SIZE COUNT\n", argv[0]); return 2; }
    url = argv[1]; size = atoi(argv[2]); count = atol(argv[3]);
    natsConnection *nc; jsCtx *js; jsErrCode jerr = 0; natsStatus s;
    if ((s = natsConnection_ConnectTo(&nc, url)) != NATS_OK) fail("connect", s);
    if ((s = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK) fail("jetstream", s);
    jsStreamConfig cfg; jsStreamConfig_Init(&cfg);
    const char *subjects[] = {"bench"};
    cfg.Name = "BENCH"; cfg.Subjects = subjects; cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage; cfg.Retention = js_WorkQueuePolicy;
    jsStreamInfo *si = NULL;
    if ((s = js_AddStream(&si, js, &cfg, NULL, &jerr)) != NATS_OK) fail("add stream", s);
    jsStreamInfo_Destroy(si);

    char *payload = calloc(1, size);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) pthread_create(&threads[i], NULL, consumer, NULL);
    for (long i = 0; i < count; i++) {
        if ((s = js_PublishAsync(js, "bench", payload, size, NULL)) != NATS_OK) fail("publish", s);
    }
    jsPubOptions po; jsPubOptions_Init(&po); po.MaxWait = 60000;
    if ((s = js_PublishAsyncComplete(js, &po)) != NATS_OK) fail("publish complete", s);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%.0f\n", count / seconds);
    jsCtx_Destroy(js); natsConnection_Destroy(nc); free(payload);
    return 0;
}
