/*
 * Berth's guest metadata tools: mdata-get, mdata-put, mdata-delete and mdata-list in one static binary, chosen by
 * the name it is run as (or "mdata <tool> ..."). They speak the SmartOS metadata protocol, version 2, over the
 * instance's own socket, /native/.zonecontrol/metadata.sock, which berthd serves (docs/metadata.md).
 *
 * Exit codes follow SmartOS's tools: 0 done, 1 no such key, 2 error, 3 usage.
 * Built static (scripts/install-berth.sh, native/mdata/build.sh) so that it runs in any image, even one without libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SOCKET_DIR "/native/.zonecontrol"
#define SOCKET_PATH SOCKET_DIR "/metadata.sock"
#define MAX_LINE (16u * 1024 * 1024)

enum { EXIT_DONE = 0, EXIT_NOTFOUND = 1, EXIT_ERROR = 2, EXIT_USAGE = 3 };
enum status { ST_SUCCESS, ST_NOTFOUND, ST_FAILURE };

static const char *prog = "mdata";

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

static void die(int code, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(code);
}

static void buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (grown == NULL)
            die(EXIT_ERROR, "out of memory");
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }

/* CRC-32 (IEEE), the checksum of a frame's body. */
static uint32_t crc32_of(const char *p, size_t n)
{
    static uint32_t table[256];
    if (table[1] == 0) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ (unsigned char)p[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(struct buf *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {
            b64chars[(v >> 18) & 63], b64chars[(v >> 12) & 63],
            i + 1 < n ? b64chars[(v >> 6) & 63] : '=',
            i + 2 < n ? b64chars[v & 63] : '=',
        };
        buf_add(out, q, 4);
    }
}

static int b64_value(char c)
{
    const char *at = c ? strchr(b64chars, c) : NULL;
    return at ? (int)(at - b64chars) : -1;
}

/* Decodes n characters of base64; -1 when they are not base64. */
static int b64_decode(struct buf *out, const char *p, size_t n)
{
    if (n % 4 != 0)
        return -1;
    for (size_t i = 0; i < n; i += 4) {
        int pad = (p[i + 3] == '=') + (p[i + 2] == '=');
        if (pad > 0 && i + 4 != n)
            return -1;
        int a = b64_value(p[i]), b = b64_value(p[i + 1]);
        int c = pad >= 2 ? 0 : b64_value(p[i + 2]);
        int d = pad >= 1 ? 0 : b64_value(p[i + 3]);
        if (a < 0 || b < 0 || c < 0 || d < 0)
            return -1;
        uint32_t v = ((uint32_t)a << 18) | ((uint32_t)b << 12) | ((uint32_t)c << 6) | (uint32_t)d;
        unsigned char bytes[3] = { (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v };
        buf_add(out, bytes, 3 - (size_t)pad);
    }
    return 0;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die(EXIT_ERROR, "writing to the metadata service: %s", strerror(errno));
        p += w;
        n -= (size_t)w;
    }
}

/* Reads one line (without its newline) into line; keeps bytes after it for the next call. */
static void read_line(int fd, struct buf *line)
{
    static char pending[65536];
    static size_t start, end;
    line->len = 0;
    buf_add(line, "", 0);
    for (;;) {
        if (start == end) {
            ssize_t r = read(fd, pending, sizeof pending);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                die(EXIT_ERROR, "reading from the metadata service: %s",
                    errno == EAGAIN ? "no answer within 30 s" : strerror(errno));
            if (r == 0)
                die(EXIT_ERROR, "the metadata service closed the connection");
            start = 0;
            end = (size_t)r;
        }
        char *nl = memchr(pending + start, '\n', end - start);
        size_t take = (nl ? (size_t)(nl - pending) : end) - start;
        if (line->len + take > MAX_LINE)
            die(EXIT_ERROR, "the metadata service sent a line over %u bytes", MAX_LINE);
        buf_add(line, pending + start, take);
        start += take;
        if (nl) {
            start++;
            return;
        }
    }
}

/* Connects to the instance's socket; retries for a few seconds while berthd restarts. */
static int connect_service(void)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strncpy(addr.sun_path, SOCKET_PATH, sizeof addr.sun_path - 1);
    for (int attempt = 0;; attempt++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            die(EXIT_ERROR, "socket: %s", strerror(errno));
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
            struct timeval timeout = { .tv_sec = 30 };
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
            return fd;
        }
        int e = errno;
        close(fd);
        /* A missing directory is no Berth instance; a missing or refusing socket is a berthd restarting. */
        if ((e != ENOENT && e != ECONNREFUSED && e != EAGAIN) || attempt >= 50 || access(SOCKET_DIR, F_OK) != 0)
            die(EXIT_ERROR, "cannot reach the metadata service at %s: %s", SOCKET_PATH, strerror(e));
        struct timespec pause = { .tv_nsec = 100 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
}

static void negotiate(int fd)
{
    struct buf line = { 0 };
    write_all(fd, "NEGOTIATE V2\n", 13);
    read_line(fd, &line);
    if (strcmp(line.data, "V2_OK") != 0)
        die(EXIT_ERROR, "the metadata service does not speak protocol V2 (it said \"%s\")", line.data);
    free(line.data);
}

static void request_id(char id[9])
{
    uint32_t v = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, &v, sizeof v) != (ssize_t)sizeof v)
        v = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
    if (fd >= 0)
        close(fd);
    snprintf(id, 9, "%08x", v);
}

/* Sends one V2 request and reads its answer; the argument (if any) is base64-encoded as the payload. */
static enum status request(int fd, const char *command, const char *arg, size_t arg_len, struct buf *value)
{
    char id[9];
    request_id(id);
    struct buf body = { 0 }, frame = { 0 }, line = { 0 };
    buf_str(&body, id);
    buf_str(&body, " ");
    buf_str(&body, command);
    if (arg != NULL) {
        buf_str(&body, " ");
        b64_encode(&body, (const unsigned char *)arg, arg_len);
    }
    char head[64];
    snprintf(head, sizeof head, "V2 %zu %08x ", body.len, crc32_of(body.data, body.len));
    buf_str(&frame, head);
    buf_add(&frame, body.data, body.len);
    buf_str(&frame, "\n");
    write_all(fd, frame.data, frame.len);

    read_line(fd, &line);
    char *p = line.data, *end;
    if (strncmp(p, "V2 ", 3) != 0)
        die(EXIT_ERROR, "unexpected answer from the metadata service: \"%.80s\"", p);
    unsigned long len = strtoul(p + 3, &end, 10);
    if (*end != ' ')
        die(EXIT_ERROR, "malformed answer (length) from the metadata service");
    unsigned long crc = strtoul(end + 1, &end, 16);
    if (*end != ' ')
        die(EXIT_ERROR, "malformed answer (checksum) from the metadata service");
    char *rbody = end + 1;
    size_t rlen = strlen(rbody);
    if (len != rlen || crc != crc32_of(rbody, rlen))
        die(EXIT_ERROR, "the metadata service's answer failed its length or checksum check");
    if (strncmp(rbody, id, 8) != 0 || rbody[8] != ' ')
        die(EXIT_ERROR, "the metadata service answered another request");
    char *code = rbody + 9;
    char *payload = strchr(code, ' ');
    size_t code_len = payload ? (size_t)(payload - code) : strlen(code);
    value->len = 0;
    buf_add(value, "", 0);
    if (payload && b64_decode(value, payload + 1, strlen(payload + 1)) != 0)
        die(EXIT_ERROR, "the metadata service's answer has a payload that is not base64");

    enum status st;
    if (code_len == 7 && strncmp(code, "SUCCESS", 7) == 0)
        st = ST_SUCCESS;
    else if (code_len == 8 && strncmp(code, "NOTFOUND", 8) == 0)
        st = ST_NOTFOUND;
    else
        st = ST_FAILURE;
    free(body.data);
    free(frame.data);
    free(line.data);
    return st;
}

static void read_stdin(struct buf *value)
{
    char chunk[65536];
    ssize_t r;
    buf_add(value, "", 0);
    while ((r = read(0, chunk, sizeof chunk)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die(EXIT_ERROR, "reading stdin: %s", strerror(errno));
        buf_add(value, chunk, (size_t)r);
    }
}

static int usage(const char *args)
{
    fprintf(stderr, "usage: %s %s\n", prog, args);
    return EXIT_USAGE;
}

static int finish(enum status st, struct buf *value, const char *key, const char *what)
{
    if (st == ST_NOTFOUND) {
        fprintf(stderr, "No metadata for '%s'\n", key);
        return EXIT_NOTFOUND;
    }
    if (st == ST_FAILURE) {
        fprintf(stderr, "Error %s metadata for key '%s': %s\n", what, key, value->len ? value->data : "failure");
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    prog = slash ? slash + 1 : argv[0];
    if (strcmp(prog, "mdata") == 0) {
        if (argc < 2)
            return usage("get|put|delete|list ...");
        static char name[32];
        snprintf(name, sizeof name, "mdata-%s", argv[1]);
        prog = name;
        argv++;
        argc--;
    }

    struct buf value = { 0 };
    if (strcmp(prog, "mdata-get") == 0) {
        if (argc != 2)
            return usage("<keyname>");
        int fd = connect_service();
        negotiate(fd);
        enum status st = request(fd, "GET", argv[1], strlen(argv[1]), &value);
        if (st == ST_SUCCESS) {
            fwrite(value.data, 1, value.len, stdout);
            fputc('\n', stdout);
        }
        return finish(st, &value, argv[1], "getting");
    }
    if (strcmp(prog, "mdata-put") == 0) {
        if (argc != 2 && argc != 3)
            return usage("<keyname> [<value>]  (the value from stdin when not given)");
        struct buf input = { 0 }, arg = { 0 };
        if (argc == 3) {
            buf_str(&input, argv[2]);
        } else {
            if (isatty(0))
                die(EXIT_USAGE, "give the value as the second argument, or pipe it to stdin");
            read_stdin(&input);
        }
        b64_encode(&arg, (const unsigned char *)argv[1], strlen(argv[1]));
        buf_str(&arg, " ");
        b64_encode(&arg, (const unsigned char *)input.data, input.len);
        int fd = connect_service();
        negotiate(fd);
        return finish(request(fd, "PUT", arg.data, arg.len, &value), &value, argv[1], "putting");
    }
    if (strcmp(prog, "mdata-delete") == 0) {
        if (argc != 2)
            return usage("<keyname>");
        int fd = connect_service();
        negotiate(fd);
        return finish(request(fd, "DELETE", argv[1], strlen(argv[1]), &value), &value, argv[1], "deleting");
    }
    if (strcmp(prog, "mdata-list") == 0) {
        if (argc != 1)
            return usage("");
        int fd = connect_service();
        negotiate(fd);
        enum status st = request(fd, "KEYS", NULL, 0, &value);
        if (st == ST_SUCCESS && value.len > 0) {
            fwrite(value.data, 1, value.len, stdout);
            fputc('\n', stdout);
        }
        return finish(st, &value, "(list)", "listing");
    }
    die(EXIT_USAGE, "run as mdata-get, mdata-put, mdata-delete or mdata-list");
    return EXIT_USAGE;
}
