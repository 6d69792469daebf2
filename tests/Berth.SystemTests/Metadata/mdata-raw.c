/*
 * Test tool (not shipped): sends raw bytes to the instance's metadata socket and prints what comes back.
 * Usage: mdata-raw [COUNT] < lines
 * Writes stdin COUNT times (default 1), closes its sending side and copies the answers to stdout until the
 * service closes. System tests use it for malformed frames and for floods.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char input[4 << 20];

int main(int argc, char **argv)
{
    long count = argc > 1 ? atol(argv[1]) : 1;
    size_t len = 0;
    ssize_t r;
    while ((r = read(0, input + len, sizeof input - len)) > 0)
        len += (size_t)r;

    struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = "/native/.zonecontrol/metadata.sock" };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("mdata-raw: connect");
        return 2;
    }

    if (fork() == 0) {
        /* The child sends while the parent reads, so that a flood never blocks on a full socket buffer. */
        for (long i = 0; i < count; i++) {
            for (size_t off = 0; off < len;) {
                ssize_t w = write(fd, input + off, len - off);
                if (w <= 0)
                    _exit(errno == EPIPE ? 0 : 3);
                off += (size_t)w;
            }
        }
        shutdown(fd, SHUT_WR);
        _exit(0);
    }

    char buf[65536];
    while ((r = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)r, stdout);
    return 0;
}
