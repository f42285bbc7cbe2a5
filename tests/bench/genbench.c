/*
 * genbench: deterministic generator of synthetic AWS VPC Flow Logs for the
 * flowreport benchmark.
 *
 *   genbench s3 OUTDIR [--records N] [--interfaces N] [--seed N] [--day D] [-j N]
 *                      [--info FILE]
 *   genbench single OUTFILE [--records N] [--interfaces N] [--seed N] [--day D]
 *                      [--info FILE]
 *
 * s3:     288 gzip files (one per 5-minute slot of 2026-11-26 - D days) under
 *         the default S3 key layout, default version-2 format with header line.
 * single: one gzip file, custom version-5 field order with header line;
 *         records come in 288 consecutive slot blocks (as if the day's files
 *         had been concatenated without their headers).
 *
 * The output depends only on the parameters (never on -j): the topology comes
 * from --seed, every slot has its own random stream derived from --seed and
 * the slot number (and --day), and gzip headers carry no time stamp.
 *
 * --day D (default 0) moves the data D days before 2026-11-26 (earlier, so
 * that no record is ever in the future): the same estate (topology from
 * --seed) on another day, with other records and other file names.  --day 0
 * is exactly the data set without --day.
 *
 * A summary (record counts, sizes, expected totals) is written as key=value
 * lines to the info file (default OUTDIR/genbench.info or OUTFILE.info) and to
 * standard output.  The info file is written last, so its presence means the
 * data set is complete.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define NSLOTS 288
#define SLOT_SECONDS 300
#define DAY0_START INT64_C(1795651200) /* 2026-11-26T00:00:00Z */
#define MAX_DAY 3650

/* first second of the generated day (set once in main from --day) */
static int64_t DAY_START = DAY0_START;
static uint64_t DAY_NO = 0;
#define OWNER_ACCOUNT "123456789012"
#define OTHER_ACCOUNT "210987654321"
#define REGION "us-east-1"
#define FLOW_LOG_ID "fl-0a1b2c3d4e5f6a7b8"

#define N_PUB4 320
#define N_PUB6 64
#define N_SCAN4 48
#define N_SCAN6 8
#define N_ADMIN 6

static const char HEADER_V2[] =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol "
    "packets bytes start end action log-status\n";
static const char HEADER_V5[] =
    "version vpc-id subnet-id instance-id interface-id account-id type srcaddr "
    "dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets "
    "start end action tcp-flags log-status region az-id sublocation-type "
    "sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction "
    "traffic-path\n";

/* ------------------------------------------------------------------ */
/* random numbers: splitmix64 for seeding, xorshift64* for streams     */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

typedef struct {
    uint64_t s;
} rng_t;

static void rng_seed(rng_t *r, uint64_t seed, uint64_t stream)
{
    uint64_t t = seed * UINT64_C(0x100000001B3) ^ (stream + 0x5851F42D4C957F2DULL);
    r->s = splitmix64(&t);
    if (r->s == 0)
        r->s = 1;
}

static inline uint64_t rnd(rng_t *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

/* uniform integer in [0, n) */
static inline uint32_t rbelow(rng_t *r, uint32_t n)
{
    return (uint32_t)(((rnd(r) >> 32) * (uint64_t)n) >> 32);
}

/* uniform double in [0, 1) */
static inline double runif(rng_t *r)
{
    return (double)(rnd(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* skewed index in [0, n): small indexes are much more likely */
static inline uint32_t rskew(rng_t *r, uint32_t n, int power)
{
    double u = runif(r), v = u;
    for (int i = 1; i < power; i++)
        v *= u;
    uint32_t k = (uint32_t)(v * n);
    return k < n ? k : n - 1;
}

/* heavy-tailed packet count: Pareto(alpha, xm = 1) truncated to an integer
 * in [1, cap] */
static uint64_t rpackets(rng_t *r, double alpha, uint64_t cap)
{
    double u = 1.0 - runif(r); /* (0, 1] */
    double x = pow(u, -1.0 / alpha);
    if (!(x < (double)cap))
        return cap;
    return (uint64_t)x;
}

/* ------------------------------------------------------------------ */
/* topology                                                            */

enum role { R_WEB, R_APP, R_DB, R_BASTION, R_NAT, R_LB, R_WORKER, R_NROLES };

typedef struct {
    char id[24]; /* eni-<17 hex> */
    const char *acct;
    char vpc[24]; /* vpc-<17 hex> */
    char subnet[28]; /* subnet-<17 hex> */
    char instance[24]; /* i-<17 hex> or "-" */
    char az[12];
    char ip4[16];
    char ip6[40]; /* empty when the ENI has no IPv6 address */
    int role;
} eni_t;

typedef struct {
    char ip[40];
    const char *service; /* pkt-*-aws-service name or "-" */
} peer_t;

typedef struct {
    int n_eni;
    eni_t *eni;
    int *v6_eni; /* indexes of ENIs with IPv6 */
    int n_v6_eni;
    int *by_role[R_NROLES];
    int n_role[R_NROLES];
    peer_t pub4[N_PUB4], pub6[N_PUB6];
    peer_t scan4[N_SCAN4], scan6[N_SCAN6];
    peer_t admin[N_ADMIN];
} topo_t;

static const char *const AWS_SERVICES[] = {
    "AMAZON", "S3", "EC2", "DYNAMODB", "CLOUDFRONT", "ROUTE53", "API_GATEWAY",
};

static void hexid(char *dst, const char *prefix, rng_t *r, int ndigits)
{
    static const char hx[] = "0123456789abcdef";
    size_t pl = strlen(prefix);
    memcpy(dst, prefix, pl);
    for (int i = 0; i < ndigits; i++)
        dst[pl + i] = hx[rbelow(r, 16)];
    dst[pl + ndigits] = '\0';
}

static int is_public4(uint32_t a)
{
    uint32_t o1 = a >> 24, o2 = (a >> 16) & 255;
    if (o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224)
        return 0;
    if (o1 == 100 && (o2 & 0xC0) == 64)
        return 0;
    if (o1 == 169 && o2 == 254)
        return 0;
    if (o1 == 172 && (o2 & 0xF0) == 16)
        return 0;
    if (o1 == 192 && o2 == 168)
        return 0;
    if (o1 == 192 && o2 == 0)
        return 0;
    if (o1 == 198 && (o2 == 18 || o2 == 19))
        return 0;
    return 1;
}

static void fmt4(char *dst, uint32_t a)
{
    snprintf(dst, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static uint32_t rand_public4(rng_t *r)
{
    for (;;) {
        uint32_t a = (uint32_t)(rnd(r) >> 32);
        if (is_public4(a))
            return a;
    }
}

/* IPv6 text: eight groups without leading zeros; zero groups are rare in
 * the random part, so only an explicit "::" tail is produced for some hosts */
static void fmt6(char *dst, const uint16_t g[8])
{
    /* compress the longest run (>= 2) of zero groups, RFC 5952 style */
    int best = -1, bestlen = 0;
    for (int i = 0; i < 8;) {
        if (g[i] == 0) {
            int j = i;
            while (j < 8 && g[j] == 0)
                j++;
            if (j - i > bestlen && j - i >= 2) {
                best = i;
                bestlen = j - i;
            }
            i = j;
        } else {
            i++;
        }
    }
    char *p = dst;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            *p++ = ':';
            i += bestlen - 1;
            continue;
        }
        if (i > 0 && p[-1] != ':')
            *p++ = ':';
        p += sprintf(p, "%x", g[i]);
    }
    *p = '\0';
}

static void build_topology(topo_t *t, int n_eni, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed, UINT64_C(0xA11CE));
    t->n_eni = n_eni;
    t->eni = calloc((size_t)n_eni, sizeof *t->eni);
    t->v6_eni = calloc((size_t)n_eni, sizeof(int));
    for (int k = 0; k < R_NROLES; k++)
        t->by_role[k] = calloc((size_t)n_eni, sizeof(int));
    if (!t->eni || !t->v6_eni) {
        fprintf(stderr, "genbench: out of memory\n");
        exit(1);
    }
    for (int k = 0; k < R_NROLES; k++)
        if (!t->by_role[k]) {
            fprintf(stderr, "genbench: out of memory\n");
            exit(1);
        }

    /* 2 accounts, 3 VPCs, 4 subnets per VPC */
    char vpcs[3][24], subnets[12][28], azs[12][12];
    for (int v = 0; v < 3; v++)
        hexid(vpcs[v], "vpc-", &r, 17);
    for (int s = 0; s < 12; s++) {
        hexid(subnets[s], "subnet-", &r, 17);
        snprintf(azs[s], sizeof azs[s], "use1-az%d", 1 + (s % 6));
    }
    uint16_t v6prefix[3][4];
    for (int v = 0; v < 3; v++) {
        v6prefix[v][0] = 0x2600;
        v6prefix[v][1] = 0x1f18;
        v6prefix[v][2] = (uint16_t)rbelow(&r, 0x10000);
        v6prefix[v][3] = (uint16_t)(rbelow(&r, 0x100) << 8);
    }

    for (int i = 0; i < n_eni; i++) {
        eni_t *e = &t->eni[i];
        hexid(e->id, "eni-", &r, 17);
        int vpc = (i % 4 == 3) ? 2 : (i % 2); /* VPC 2 belongs to the other account */
        e->acct = vpc == 2 ? OTHER_ACCOUNT : OWNER_ACCOUNT;
        memcpy(e->vpc, vpcs[vpc], sizeof e->vpc);
        int sn = vpc * 4 + (int)rbelow(&r, 4);
        memcpy(e->subnet, subnets[sn], sizeof e->subnet);
        memcpy(e->az, azs[sn], sizeof e->az);
        /* unique per ENI: third octet = subnet * 16 + i / 250 */
        uint32_t ip = (10u << 24) | ((uint32_t)vpc << 16) |
            ((uint32_t)((sn % 4) * 16 + i / 250) << 8) | (uint32_t)(4 + i % 250);
        fmt4(e->ip4, ip);
        uint32_t u = rbelow(&r, 100);
        e->role = u < 25 ? R_WEB
            : u < 45     ? R_APP
            : u < 55     ? R_DB
            : u < 58     ? R_BASTION
            : u < 63     ? R_NAT
            : u < 70     ? R_LB
                         : R_WORKER;
        if (i < R_NROLES) /* every role exists at least once */
            e->role = i;
        if (e->role == R_NAT || e->role == R_LB)
            strcpy(e->instance, "-"); /* requester-managed ENI */
        else
            hexid(e->instance, "i-", &r, 17);
        e->ip6[0] = '\0';
        if (e->role != R_DB && rbelow(&r, 100) < 35) {
            uint16_t g[8];
            memcpy(g, v6prefix[vpc], sizeof v6prefix[vpc]);
            g[3] |= (uint16_t)(sn % 4);
            for (int k = 4; k < 8; k++)
                g[k] = (uint16_t)rbelow(&r, 0x10000);
            if (rbelow(&r, 4) == 0) { /* some hosts get a short "::n" suffix */
                g[4] = g[5] = g[6] = 0;
                g[7] = (uint16_t)(1 + rbelow(&r, 0xfff));
            }
            fmt6(e->ip6, g);
            t->v6_eni[t->n_v6_eni++] = i;
        }
        t->by_role[e->role][t->n_role[e->role]++] = i;
    }
    if (t->n_v6_eni == 0) { /* tiny topologies: force one */
        t->n_v6_eni = 1;
        t->v6_eni[0] = 0;
        strcpy(t->eni[0].ip6, "2600:1f18:1:100::10");
    }

    for (int i = 0; i < N_PUB4; i++) {
        fmt4(t->pub4[i].ip, rand_public4(&r));
        t->pub4[i].service = "-";
        if (i % 9 == 4)
            t->pub4[i].service = AWS_SERVICES[rbelow(&r, 7)];
    }
    for (int i = 0; i < N_PUB6; i++) {
        uint16_t g[8];
        static const uint16_t firsts[] = {0x2a00, 0x2606, 0x2001, 0x2a03, 0x2607, 0x2404};
        g[0] = firsts[rbelow(&r, 6)];
        for (int k = 1; k < 8; k++)
            g[k] = (uint16_t)rbelow(&r, 0x10000);
        if (rbelow(&r, 3) == 0)
            g[4] = g[5] = g[6] = 0;
        fmt6(t->pub6[i].ip, g);
        t->pub6[i].service = (i % 11 == 3) ? "CLOUDFRONT" : "-";
    }
    for (int i = 0; i < N_SCAN4; i++) {
        fmt4(t->scan4[i].ip, rand_public4(&r));
        t->scan4[i].service = "-";
    }
    for (int i = 0; i < N_SCAN6; i++) {
        uint16_t g[8] = {0x2001, 0x0470};
        for (int k = 2; k < 8; k++)
            g[k] = (uint16_t)rbelow(&r, 0x10000);
        fmt6(t->scan6[i].ip, g);
        t->scan6[i].service = "-";
    }
    for (int i = 0; i < N_ADMIN; i++) {
        fmt4(t->admin[i].ip, rand_public4(&r));
        t->admin[i].service = "-";
    }
}

/* ------------------------------------------------------------------ */
/* record generation                                                   */

typedef struct {
    const eni_t *eni;
    const char *src, *dst, *pkt_src, *pkt_dst;
    const char *src_svc, *dst_svc;
    unsigned sport, dport, proto;
    uint64_t packets, bytes;
    int64_t start, end;
    int reject;
    int status; /* 0 OK, 1 NODATA, 2 SKIPDATA */
    int v6;
    int tcp_flags; /* -1 = '-' */
    int ingress; /* 1 ingress, 0 egress */
    int traffic_path; /* 0 = '-' */
} rec_t;

typedef struct {
    uint64_t records, nodata, skipdata, reject, accept, ipv6;
    uint64_t ok_packets, ok_bytes, accept_bytes, reject_bytes;
    uint64_t uncompressed, compressed;
} stats_t;

static void stats_add(stats_t *a, const stats_t *b)
{
    a->records += b->records;
    a->nodata += b->nodata;
    a->skipdata += b->skipdata;
    a->reject += b->reject;
    a->accept += b->accept;
    a->ipv6 += b->ipv6;
    a->ok_packets += b->ok_packets;
    a->ok_bytes += b->ok_bytes;
    a->accept_bytes += b->accept_bytes;
    a->reject_bytes += b->reject_bytes;
    a->uncompressed += b->uncompressed;
    a->compressed += b->compressed;
}

static inline unsigned ephemeral(rng_t *r)
{
    /* Linux 32768-60999 mostly, Windows 49152-65535 sometimes, rarely low */
    uint32_t u = rbelow(r, 100);
    if (u < 70)
        return 32768 + rbelow(r, 60999 - 32768 + 1);
    if (u < 95)
        return 49152 + rbelow(r, 65535 - 49152 + 1);
    return 1024 + rbelow(r, 31744);
}

static int tcp_flags_for(rng_t *r, int is_client_side)
{
    uint32_t u = rbelow(r, 100);
    if (u < 30)
        return 0; /* mid-connection window */
    if (u < 55)
        return is_client_side ? 3 : 19;
    if (u < 68)
        return is_client_side ? 2 : 18;
    if (u < 85)
        return 1;
    if (u < 92)
        return is_client_side ? 7 : 23;
    if (u < 97)
        return 4;
    return rbelow(r, 100) < 2 ? -1 : 6;
}

static const eni_t *pick_eni(const topo_t *t, rng_t *r, int v6)
{
    if (v6)
        return &t->eni[t->v6_eni[rskew(r, (uint32_t)t->n_v6_eni, 2)]];
    return &t->eni[rskew(r, (uint32_t)t->n_eni, 2)];
}

static const eni_t *pick_role(const topo_t *t, rng_t *r, int role, int v6)
{
    int n = t->n_role[role];
    if (n == 0)
        return pick_eni(t, r, v6);
    for (int tries = 0; tries < 8; tries++) {
        const eni_t *e = &t->eni[t->by_role[role][rbelow(r, (uint32_t)n)]];
        if (!v6 || e->ip6[0])
            return e;
    }
    return pick_eni(t, r, v6);
}

static const char *eni_addr(const eni_t *e, int v6)
{
    return v6 ? e->ip6 : e->ip4;
}

/* fill a record for one slot; 'rnd_addr' is scratch space for one-off
 * random internet addresses */
static void gen_record(const topo_t *t, rng_t *r, int64_t slot_start, rec_t *x, char *rnd_addr)
{
    memset(x, 0, sizeof *x);
    x->start = slot_start + rbelow(r, SLOT_SECONDS);
    x->end = x->start + rbelow(r, 61);
    x->src_svc = x->dst_svc = "-";
    uint32_t u = rbelow(r, 10000);

    if (u < 100) { /* 1%: NODATA / SKIPDATA */
        x->eni = &t->eni[rbelow(r, (uint32_t)t->n_eni)];
        x->status = (u < 85) ? 1 : 2;
        x->tcp_flags = -1;
        return;
    }
    x->v6 = rbelow(r, 10000) < 505; /* ~5% of all records */

    if (u < 100 + 1200) { /* 12%: REJECT */
        x->reject = 1;
        if (rbelow(r, 100) < 85) { /* inbound scan of a host */
            x->eni = pick_eni(t, r, x->v6);
            const char *scanner;
            if (rbelow(r, 100) < 70) {
                scanner =
                    x->v6 ? t->scan6[rskew(r, N_SCAN6, 2)].ip : t->scan4[rskew(r, N_SCAN4, 3)].ip;
            } else if (x->v6) {
                uint16_t g[8] = {0x2a0e, (uint16_t)rbelow(r, 0x10000)};
                for (int k = 2; k < 8; k++)
                    g[k] = (uint16_t)rbelow(r, 0x10000);
                fmt6(rnd_addr, g);
                scanner = rnd_addr;
            } else {
                fmt4(rnd_addr, rand_public4(r));
                scanner = rnd_addr;
            }
            static const unsigned scan_ports[] = {22,   23,   3389, 445, 80,  443,  8080, 1433,
                                                  3306, 5900, 6379, 25,  139, 8443, 5432, 21};
            x->src = scanner;
            x->dst = eni_addr(x->eni, x->v6);
            uint32_t p = rbelow(r, 100);
            if (p < 88) {
                x->proto = 6;
                x->sport = ephemeral(r);
                x->dport = rbelow(r, 100) < 80 ? scan_ports[rskew(r, 16, 2)] : 1 + rbelow(r, 65535);
                x->packets = 1 + (rbelow(r, 100) < 20 ? rbelow(r, 3) : 0);
                x->bytes = x->packets * (x->v6 ? 60 : 40 + 4 * rbelow(r, 2));
                x->tcp_flags = 2;
            } else if (p < 96) {
                x->proto = 17;
                x->sport = ephemeral(r);
                static const unsigned udp_ports[] = {53, 123, 161, 1900, 5060, 11211};
                x->dport = udp_ports[rbelow(r, 6)];
                x->packets = 1;
                x->bytes = 28 + rbelow(r, 100);
                x->tcp_flags = 0;
            } else {
                x->proto = x->v6 ? 58 : 1;
                x->sport = 0;
                x->dport = 0;
                x->packets = 1 + rbelow(r, 2);
                x->bytes = x->packets * 84;
                x->tcp_flags = 0;
            }
            x->ingress = 1;
        } else { /* response traffic dropped by a NACL without ephemeral ports */
            x->eni = pick_role(t, r, R_WEB, x->v6);
            x->src = eni_addr(x->eni, x->v6);
            x->dst = x->v6 ? t->pub6[rskew(r, N_PUB6, 2)].ip : t->pub4[rskew(r, N_PUB4, 2)].ip;
            x->proto = 6;
            x->sport = rbelow(r, 4) ? 443 : 80;
            x->dport = ephemeral(r);
            x->packets = 1 + rbelow(r, 4);
            x->bytes = x->packets * (52 + rbelow(r, 1400));
            x->tcp_flags = 18;
            x->ingress = 0;
            x->traffic_path = 8;
        }
        x->pkt_src = x->src;
        x->pkt_dst = x->dst;
        return;
    }

    /* ACCEPT: pick a service, then which side of the conversation */
    uint32_t s = rbelow(r, 100);
    const eni_t *e;
    const char *peer;
    const char *peer_svc = "-";
    int client_is_eni; /* the ENI is the client of the conversation */
    unsigned sv_port, proto = 6;
    int peer_private = 0;

    if (s < 30) { /* HTTPS into web servers / load balancers */
        e = pick_role(t, r, rbelow(r, 3) ? R_LB : R_WEB, x->v6);
        client_is_eni = 0;
        sv_port = 443;
    } else if (s < 35) {
        e = pick_role(t, r, R_WEB, x->v6);
        client_is_eni = 0;
        sv_port = 80;
    } else if (s < 60) { /* outbound HTTPS (APIs, updates, S3) */
        e = pick_eni(t, r, x->v6);
        if (e->role == R_LB)
            e = pick_role(t, r, R_WORKER, x->v6);
        client_is_eni = 1;
        sv_port = 443;
    } else if (s < 78) { /* internal east-west */
        static const unsigned internal_ports[] = {8080, 5432, 3306, 6379, 9200, 8443, 443, 2049};
        e = pick_eni(t, r, x->v6);
        client_is_eni = rbelow(r, 2);
        sv_port = internal_ports[rskew(r, 8, 2)];
        peer_private = 1;
    } else if (s < 86) { /* DNS to public resolvers */
        e = pick_eni(t, r, x->v6);
        client_is_eni = 1;
        sv_port = 53;
        proto = 17;
    } else if (s < 89) { /* SSH from admins into bastions */
        e = pick_role(t, r, R_BASTION, 0);
        x->v6 = 0;
        client_is_eni = 0;
        sv_port = 22;
    } else if (s < 91) { /* NTP */
        e = pick_eni(t, r, x->v6);
        client_is_eni = 1;
        sv_port = 123;
        proto = 17;
    } else if (s < 94) { /* ICMP */
        e = pick_eni(t, r, x->v6);
        client_is_eni = rbelow(r, 2);
        sv_port = 0;
        proto = x->v6 ? 58 : 1;
    } else { /* anything else: high TCP ports, some UDP */
        e = pick_eni(t, r, x->v6);
        client_is_eni = rbelow(r, 2);
        sv_port = 1024 + rbelow(r, 64000);
        proto = rbelow(r, 4) ? 6 : 17;
    }
    if (x->v6 && !e->ip6[0])
        x->v6 = 0;
    x->eni = e;

    if (peer_private) {
        const eni_t *o = pick_eni(t, r, x->v6);
        if (o == e)
            o = &t->eni[(int)(o - t->eni + 1) % t->n_eni];
        peer = (x->v6 && o->ip6[0]) ? o->ip6 : o->ip4;
        if (x->v6 && !o->ip6[0])
            x->v6 = 0, peer = o->ip4;
    } else if (sv_port == 22) {
        peer = t->admin[rbelow(r, N_ADMIN)].ip;
    } else if (sv_port == 53 && !x->v6) {
        static const char *const resolvers[] = {"1.1.1.1", "8.8.8.8", "8.8.4.4", "9.9.9.9"};
        peer = resolvers[rbelow(r, 4)];
    } else {
        const peer_t *p = x->v6 ? &t->pub6[rskew(r, N_PUB6, 2)] : &t->pub4[rskew(r, N_PUB4, 2)];
        peer = p->ip;
        peer_svc = p->service;
    }
    const char *me = eni_addr(e, x->v6);

    int request = rbelow(r, 2); /* record of client->server or server->client */
    int from_eni = client_is_eni == request;
    unsigned client_port = proto == 1 || proto == 58 ? 0 : ephemeral(r);
    if (proto == 1 || proto == 58)
        sv_port = 0;
    if (from_eni) {
        x->src = me;
        x->dst = peer;
        x->dst_svc = peer_svc;
    } else {
        x->src = peer;
        x->dst = me;
        x->src_svc = peer_svc;
    }
    if (request) {
        x->sport = client_port;
        x->dport = sv_port;
    } else {
        x->sport = sv_port;
        x->dport = client_port;
    }
    x->proto = proto;

    /* counters: requests are small, responses carry the payload */
    x->packets = rpackets(r, request ? 1.3 : 1.1, 20000000);
    unsigned psize;
    if (proto == 1 || proto == 58)
        psize = 84, x->packets = 1 + rbelow(r, 8);
    else if (proto == 17)
        psize = request ? 60 + rbelow(r, 40) : 80 + rbelow(r, 400);
    else
        psize = request ? 52 + rbelow(r, 200) : 200 + rbelow(r, 1249);
    x->bytes = x->packets * psize + rbelow(r, psize);

    x->tcp_flags = proto == 6 ? tcp_flags_for(r, request) : 0;
    x->ingress = !from_eni;
    x->traffic_path = x->ingress ? 0 : (peer_private ? 1 : (peer_svc[0] != '-' ? 7 : 8));

    /* NAT gateway ENIs: the packet-level address differs from the record's */
    x->pkt_src = x->src;
    x->pkt_dst = x->dst;
    if (e->role == R_NAT && !peer_private && !x->v6) {
        const eni_t *inner = pick_role(t, r, R_WORKER, 0);
        if (x->ingress)
            x->pkt_dst = inner->ip4;
        else
            x->pkt_src = inner->ip4;
    }
}

/* ------------------------------------------------------------------ */
/* output                                                              */

typedef struct {
    char *buf;
    size_t len, cap;
    gzFile gz;
    const char *path;
    stats_t *st;
    int failed;
} out_t;

static void die_gz(out_t *o, const char *what)
{
    int err = 0;
    const char *msg = gzerror(o->gz, &err);
    fprintf(stderr, "genbench: %s: %s: %s\n", o->path, what,
            err == Z_ERRNO ? strerror(errno) : msg);
    exit(1);
}

static void out_flush(out_t *o)
{
    size_t off = 0;
    while (off < o->len) {
        unsigned chunk = (unsigned)(o->len - off > (1u << 30) ? (1u << 30) : o->len - off);
        int w = gzwrite(o->gz, o->buf + off, chunk);
        if (w <= 0)
            die_gz(o, "gzwrite");
        off += (size_t)w;
    }
    o->st->uncompressed += o->len;
    o->len = 0;
}

static inline void put_mem(out_t *o, const char *s, size_t n)
{
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static inline void put_str(out_t *o, const char *s)
{
    while (*s)
        o->buf[o->len++] = *s++;
}

static inline void put_u64(out_t *o, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        o->buf[o->len++] = tmp[--n];
}

#define SP(o) ((o)->buf[(o)->len++] = ' ')
#define DASH(o) ((o)->buf[(o)->len++] = '-')

static void emit_v2(out_t *o, const rec_t *x)
{
    const eni_t *e = x->eni;
    put_mem(o, "2 ", 2);
    put_str(o, e->acct);
    SP(o);
    put_str(o, e->id);
    SP(o);
    if (x->status) {
        put_mem(o, "- - - - - - - ", 14);
    } else {
        put_str(o, x->src);
        SP(o);
        put_str(o, x->dst);
        SP(o);
        put_u64(o, x->sport);
        SP(o);
        put_u64(o, x->dport);
        SP(o);
        put_u64(o, x->proto);
        SP(o);
        put_u64(o, x->packets);
        SP(o);
        put_u64(o, x->bytes);
        SP(o);
    }
    put_u64(o, (uint64_t)x->start);
    SP(o);
    put_u64(o, (uint64_t)x->end);
    SP(o);
    if (x->status == 1)
        put_mem(o, "- NODATA\n", 9);
    else if (x->status == 2)
        put_mem(o, "- SKIPDATA\n", 11);
    else if (x->reject)
        put_mem(o, "REJECT OK\n", 10);
    else
        put_mem(o, "ACCEPT OK\n", 10);
}

static void emit_v5(out_t *o, const rec_t *x)
{
    const eni_t *e = x->eni;
    int ok = x->status == 0;
    put_mem(o, "5 ", 2);
    put_str(o, e->vpc);
    SP(o);
    put_str(o, e->subnet);
    SP(o);
    put_str(o, e->instance);
    SP(o);
    put_str(o, e->id);
    SP(o);
    put_str(o, e->acct);
    SP(o);
    if (!ok) {
        /* type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol
         * bytes packets */
        put_mem(o, "- - - - - - - - - - ", 20);
    } else {
        put_str(o, x->v6 ? "IPv6 " : "IPv4 ");
        put_str(o, x->src);
        SP(o);
        put_str(o, x->dst);
        SP(o);
        put_u64(o, x->sport);
        SP(o);
        put_u64(o, x->dport);
        SP(o);
        put_str(o, x->pkt_src);
        SP(o);
        put_str(o, x->pkt_dst);
        SP(o);
        put_u64(o, x->proto);
        SP(o);
        put_u64(o, x->bytes);
        SP(o);
        put_u64(o, x->packets);
        SP(o);
    }
    put_u64(o, (uint64_t)x->start);
    SP(o);
    put_u64(o, (uint64_t)x->end);
    SP(o);
    if (!ok) {
        /* action tcp-flags */
        put_mem(o, "- - ", 4);
        put_str(o, x->status == 1 ? "NODATA " : "SKIPDATA ");
    } else {
        put_str(o, x->reject ? "REJECT " : "ACCEPT ");
        if (x->tcp_flags < 0)
            DASH(o);
        else
            put_u64(o, (uint64_t)x->tcp_flags);
        put_mem(o, " OK ", 4);
    }
    put_mem(o, REGION " ", sizeof REGION);
    put_str(o, e->az);
    put_mem(o, " - - ", 5); /* sublocation-type sublocation-id */
    if (!ok) {
        /* pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path */
        put_mem(o, "- - - -\n", 8);
        return;
    }
    put_str(o, x->src_svc);
    SP(o);
    put_str(o, x->dst_svc);
    SP(o);
    if (x->ingress) {
        put_mem(o, "ingress -\n", 10);
    } else {
        put_mem(o, "egress ", 7);
        put_u64(o, (uint64_t)x->traffic_path);
        o->buf[o->len++] = '\n';
    }
}

#define OUTBUF (1u << 20)
#define LINE_MAX_BYTES 512

static void gen_slot(const topo_t *t, uint64_t seed, int slot, uint64_t nrec, int v5, out_t *o)
{
    rng_t r;
    rng_seed(&r, seed, (uint64_t)slot + 1 + DAY_NO * UINT64_C(0x100000000));
    int64_t slot_start = DAY_START + (int64_t)slot * SLOT_SECONDS;
    char rnd_addr[48];
    rec_t x;
    for (uint64_t i = 0; i < nrec; i++) {
        gen_record(t, &r, slot_start, &x, rnd_addr);
        if (v5)
            emit_v5(o, &x);
        else
            emit_v2(o, &x);
        stats_t *st = o->st;
        st->records++;
        if (x.status == 1)
            st->nodata++;
        else if (x.status == 2)
            st->skipdata++;
        else {
            st->ok_packets += x.packets;
            st->ok_bytes += x.bytes;
            if (x.reject)
                st->reject++, st->reject_bytes += x.bytes;
            else
                st->accept++, st->accept_bytes += x.bytes;
            if (x.v6)
                st->ipv6++;
        }
        if (o->len > o->cap - LINE_MAX_BYTES)
            out_flush(o);
    }
}

/* records per slot: a diurnal curve (quiet at night, busy in the afternoon) */
static void slot_counts(uint64_t total, uint64_t counts[NSLOTS])
{
    /* piecewise weights per hour, in percent of the busiest hour */
    static const int hour_w[24] = {45,  40,  36, 34, 34, 38, 46, 58, 72, 84, 92, 97,
                                   100, 100, 99, 97, 93, 88, 82, 76, 70, 63, 56, 50};
    uint64_t wsum = 0, w[NSLOTS];
    for (int s = 0; s < NSLOTS; s++) {
        int h = s / 12, m = s % 12;
        int a = hour_w[h], b = hour_w[(h + 1) % 24];
        w[s] = (uint64_t)(a * (12 - m) + b * m) * 100 + (uint64_t)((s * 37) % 11) * 40;
        wsum += w[s];
    }
    uint64_t assigned = 0;
    for (int s = 0; s < NSLOTS; s++) {
        /* total * w / wsum without overflow for sensible totals */
        counts[s] = (uint64_t)((long double)total * (long double)w[s] / (long double)wsum);
        assigned += counts[s];
    }
    for (int s = 0; assigned < total; s = (s + 1) % NSLOTS)
        counts[s]++, assigned++;
}

/* ------------------------------------------------------------------ */
/* driver                                                              */

typedef struct {
    const topo_t *topo;
    uint64_t seed;
    const char *outdir;
    char ymd[40]; /* 20261126 */
    char ymd_path[40]; /* 2026/11/26 */
    uint64_t counts[NSLOTS];
    int next;
    pthread_mutex_t mu;
    stats_t total;
} job_t;

static int mkdir_p(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n >= sizeof tmp)
        return -1;
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char c = tmp[i];
            tmp[i] = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                return -1;
            tmp[i] = c;
        }
    }
    return 0;
}

static void write_file(const char *path, const topo_t *t, uint64_t seed, int first_slot, int nslots,
                       const uint64_t *counts, int v5, stats_t *st)
{
    out_t o = {0};
    o.path = path;
    o.st = st;
    o.cap = OUTBUF;
    o.buf = malloc(o.cap);
    if (!o.buf) {
        fprintf(stderr, "genbench: out of memory\n");
        exit(1);
    }
    o.gz = gzopen(path, "wb6");
    if (!o.gz) {
        fprintf(stderr, "genbench: %s: %s\n", path, errno ? strerror(errno) : "gzopen failed");
        exit(1);
    }
    if (gzbuffer(o.gz, 256 * 1024) != 0)
        die_gz(&o, "gzbuffer");
    put_str(&o, v5 ? HEADER_V5 : HEADER_V2);
    for (int s = first_slot; s < first_slot + nslots; s++)
        gen_slot(t, seed, s, counts[s], v5, &o);
    out_flush(&o);
    int rc = gzclose(o.gz);
    if (rc != Z_OK) {
        fprintf(stderr, "genbench: %s: gzclose failed (%d)%s%s\n", path, rc,
                rc == Z_ERRNO ? ": " : "", rc == Z_ERRNO ? strerror(errno) : "");
        exit(1);
    }
    free(o.buf);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "genbench: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    st->compressed += (uint64_t)sb.st_size;
}

static void *s3_worker(void *arg)
{
    job_t *j = arg;
    char dir[4096], path[4600];
    int n = snprintf(dir, sizeof dir, "%s/AWSLogs/%s/vpcflowlogs/%s/%s", j->outdir, OWNER_ACCOUNT,
                     REGION, j->ymd_path);
    if (n < 0 || (size_t)n >= sizeof dir) {
        fprintf(stderr, "genbench: output path too long\n");
        exit(1);
    }
    for (;;) {
        pthread_mutex_lock(&j->mu);
        int slot = j->next++;
        pthread_mutex_unlock(&j->mu);
        if (slot >= NSLOTS)
            break;
        /* the 8-hex suffix is derived from seed and slot, like a content hash */
        rng_t hr;
        rng_seed(&hr, j->seed,
                 UINT64_C(0xF11E0000) + (uint64_t)slot + DAY_NO * UINT64_C(0x100000000));
        unsigned hash = (unsigned)(rnd(&hr) >> 32);
        snprintf(path, sizeof path, "%s/%s_vpcflowlogs_%s_%s_%sT%02d%02dZ_%08x.log.gz", dir,
                 OWNER_ACCOUNT, REGION, FLOW_LOG_ID, j->ymd, slot / 12, (slot % 12) * 5, hash);
        stats_t st = {0};
        write_file(path, j->topo, j->seed, slot, 1, j->counts, 0, &st);
        pthread_mutex_lock(&j->mu);
        stats_add(&j->total, &st);
        pthread_mutex_unlock(&j->mu);
    }
    return NULL;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: genbench s3 OUTDIR [--records N] [--interfaces N] [--seed N] [--day D] [-j N]\n"
            "                  [--info FILE]\n"
            "       genbench single OUTFILE [--records N] [--interfaces N] [--seed N] [--day D]\n"
            "                  [--info FILE]\n"
            "defaults: s3 --records 5000000 --seed 1; single --records 2000000 --seed 2;\n"
            "          --interfaces 200; --day 0 (2026-11-26; D days earlier otherwise);\n"
            "          -j = online CPUs; --info OUTDIR/genbench.info or OUTFILE.info\n");
    exit(2);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        goto bad;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        goto bad;
    return (uint64_t)v;
bad:
    fprintf(stderr, "genbench: %s: invalid value '%s'\n", opt, s ? s : "");
    exit(2);
}

static double now_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("genbench: clock_gettime");
        exit(1);
    }
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        usage();
    const char *mode = argv[1], *out = argv[2];
    int s3;
    if (strcmp(mode, "s3") == 0)
        s3 = 1;
    else if (strcmp(mode, "single") == 0)
        s3 = 0;
    else
        usage();
    uint64_t records = s3 ? 5000000 : 2000000, seed = s3 ? 1 : 2, interfaces = 200;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t threads = ncpu > 0 ? (uint64_t)ncpu : 1;
    const char *info = NULL;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--records") == 0)
            records = parse_u64(a, v, 0, UINT64_C(1) << 40), i++;
        else if (strcmp(a, "--interfaces") == 0)
            interfaces = parse_u64(a, v, 1, 16 * 250), i++;
        else if (strcmp(a, "--seed") == 0)
            seed = parse_u64(a, v, 0, UINT64_MAX), i++;
        else if (strcmp(a, "--day") == 0)
            DAY_NO = parse_u64(a, v, 0, MAX_DAY), i++;
        else if (strcmp(a, "-j") == 0)
            threads = parse_u64(a, v, 1, 256), i++;
        else if (strcmp(a, "--info") == 0 && v)
            info = v, i++;
        else
            usage();
    }
    char infobuf[4200];
    if (!info) {
        int n = snprintf(infobuf, sizeof infobuf, s3 ? "%s/genbench.info" : "%s.info", out);
        if (n < 0 || (size_t)n >= sizeof infobuf) {
            fprintf(stderr, "genbench: path too long\n");
            return 2;
        }
        info = infobuf;
    }
    /* a stale info file must never describe new, half-written data */
    if (unlink(info) != 0 && errno != ENOENT) {
        fprintf(stderr, "genbench: %s: %s\n", info, strerror(errno));
        return 1;
    }

    DAY_START = DAY0_START - (int64_t)DAY_NO * 86400;
    char ymd[40], ymd_path[40];
    {
        time_t ds = (time_t)DAY_START;
        struct tm tm;
        if (!gmtime_r(&ds, &tm)) {
            fprintf(stderr, "genbench: gmtime_r failed\n");
            return 1;
        }
        snprintf(ymd, sizeof ymd, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        snprintf(ymd_path, sizeof ymd_path, "%04d/%02d/%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday);
    }

    double t0 = now_s();
    topo_t topo = {0};
    build_topology(&topo, (int)interfaces, seed);

    job_t job = {0};
    job.topo = &topo;
    job.seed = seed;
    job.outdir = out;
    memcpy(job.ymd, ymd, sizeof ymd);
    memcpy(job.ymd_path, ymd_path, sizeof ymd_path);
    slot_counts(records, job.counts);
    stats_t total = {0};
    int files;

    if (s3) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/AWSLogs/%s/vpcflowlogs/%s/%s", out, OWNER_ACCOUNT, REGION,
                 ymd_path);
        if (mkdir_p(dir) != 0) {
            fprintf(stderr, "genbench: mkdir %s: %s\n", dir, strerror(errno));
            return 1;
        }
        if (pthread_mutex_init(&job.mu, NULL) != 0) {
            fprintf(stderr, "genbench: pthread_mutex_init failed\n");
            return 1;
        }
        if (threads > NSLOTS)
            threads = NSLOTS;
        pthread_t tid[256];
        for (uint64_t i = 0; i < threads; i++) {
            int rc = pthread_create(&tid[i], NULL, s3_worker, &job);
            if (rc != 0) {
                fprintf(stderr, "genbench: pthread_create: %s\n", strerror(rc));
                return 1;
            }
        }
        for (uint64_t i = 0; i < threads; i++) {
            int rc = pthread_join(tid[i], NULL);
            if (rc != 0) {
                fprintf(stderr, "genbench: pthread_join: %s\n", strerror(rc));
                return 1;
            }
        }
        total = job.total;
        files = NSLOTS;
    } else {
        write_file(out, &topo, seed, 0, NSLOTS, job.counts, 1, &total);
        files = 1;
    }
    double secs = now_s() - t0;

    char buf[2048];
    int n = snprintf(
        buf, sizeof buf,
        "mode=%s\nformat=%s\nseed=%" PRIu64 "\nday=%" PRIu64 "\ninterfaces=%" PRIu64 "\nfiles=%d\n"
        "records=%" PRIu64 "\nok_records=%" PRIu64 "\nnodata_records=%" PRIu64
        "\nskipdata_records=%" PRIu64 "\naccept_records=%" PRIu64 "\nreject_records=%" PRIu64
        "\nipv6_records=%" PRIu64 "\npackets=%" PRIu64 "\nbytes=%" PRIu64 "\naccept_bytes=%" PRIu64
        "\nreject_bytes=%" PRIu64 "\nuncompressed_bytes=%" PRIu64 "\ncompressed_bytes=%" PRIu64
        "\nfirst_start=%" PRId64 "\ngen_seconds=%.2f\n",
        s3 ? "s3" : "single", s3 ? "v2-default" : "v5-custom", seed, DAY_NO, interfaces, files,
        total.records, total.records - total.nodata - total.skipdata, total.nodata, total.skipdata,
        total.accept, total.reject, total.ipv6, total.ok_packets, total.ok_bytes,
        total.accept_bytes, total.reject_bytes, total.uncompressed, total.compressed, DAY_START,
        secs);
    if (n < 0 || (size_t)n >= sizeof buf) {
        fprintf(stderr, "genbench: summary too long\n");
        return 1;
    }
    char tmpinfo[4300];
    snprintf(tmpinfo, sizeof tmpinfo, "%s.tmp", info);
    FILE *f = fopen(tmpinfo, "w");
    if (!f || fputs(buf, f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "genbench: %s: %s\n", tmpinfo, strerror(errno));
        return 1;
    }
    if (rename(tmpinfo, info) != 0) {
        fprintf(stderr, "genbench: rename %s: %s\n", info, strerror(errno));
        return 1;
    }
    if (fputs(buf, stdout) == EOF || fflush(stdout) != 0) {
        perror("genbench: stdout");
        return 1;
    }
    for (int k = 0; k < R_NROLES; k++)
        free(topo.by_role[k]);
    free(topo.v6_eni);
    free(topo.eni);
    return 0;
}
