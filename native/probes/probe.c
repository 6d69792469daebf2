/*
 * Berth's isolation probe suite: run as root inside an lx instance, it tries what a tenant must not be able to do.
 * Each probe prints one line:  PASS|FAIL|SKIP|TODO <name>: tried <what> -> <what happened>
 * PASS: the attempt failed (isolation held). FAIL: it succeeded (isolation broken). SKIP: this kernel lacks the
 * feature, so the probe cannot fail here. TODO: belongs to a feature another part of Berth adds.
 * Exit status: the number of FAILs.
 * Build: gcc -static -O1 -o probe probe.c   (static, so it runs in any image, busybox included)
 * Usage: probe [--pid HOSTPID] [--marker TEXT] [--only NAME]
 *   HOSTPID/TEXT name a process outside the instance (the test starts one) that the instance must not see or touch.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
static const char *only;
static long host_pid = -1;
static const char *marker;

static void report(const char *status, const char *name, const char *tried, const char *result)
{
    if (only && strcmp(only, name) != 0)
        return;
    if (strcmp(status, "FAIL") == 0)
        fails++;
    printf("%s %s: tried %s -> %s\n", status, name, tried, result);
    fflush(stdout);
}

static int want(const char *name) { return !only || strcmp(only, name) == 0; }

/* The result of a call that must fail: PASS with its errno, or FAIL when it succeeded. */
static void expect_fail(const char *name, const char *tried, int rc, int err, const char *on_success)
{
    char buf[256];
    if (rc < 0) {
        snprintf(buf, sizeof buf, "refused: %s (errno %d)", strerror(err), err);
        report("PASS", name, tried, buf);
    } else {
        report("FAIL", name, tried, on_success);
    }
}

static int read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    int err = errno;
    close(fd);
    if (n < 0) {
        errno = err;
        return -1;
    }
    buf[n] = 0;
    return (int)n;
}

/* Any process whose command line holds the marker is outside the instance. */
static void probe_host_processes(void)
{
    if (!want("host_processes"))
        return;
    char tried[256];
    snprintf(tried, sizeof tried, "finding a process outside the instance in /proc (marker \"%s\")", marker ? marker : "-");
    if (!marker) {
        report("SKIP", "host_processes", tried, "no --marker given");
        return;
    }
    DIR *d = opendir("/proc");
    struct dirent *e;
    int seen = 0, found = 0;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
            continue; /* its own command line holds the marker too */
        seen++;
        char path[300], cmd[4096];
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        int n = read_file(path, cmd, sizeof cmd);
        for (int i = 0; i < n; i++)
            if (!cmd[i])
                cmd[i] = ' ';
        if (n > 0 && strstr(cmd, marker))
            found = atoi(e->d_name);
    }
    if (d)
        closedir(d);
    char result[128];
    if (found) {
        snprintf(result, sizeof result, "saw it as pid %d among %d processes", found, seen);
        report("FAIL", "host_processes", tried, result);
    } else {
        snprintf(result, sizeof result, "not visible (%d processes visible, all the instance's own)", seen);
        report("PASS", "host_processes", tried, result);
    }
}

static int pid_is_outside(long pid)
{
    char path[64], cmd[4096];
    snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    int n = read_file(path, cmd, sizeof cmd);
    for (int i = 0; i < n; i++)
        if (!cmd[i])
            cmd[i] = ' ';
    return n > 0 && marker && strstr(cmd, marker);
}

static void probe_signal_and_ptrace(void)
{
    char tried[128];
    if (host_pid <= 0) {
        report("SKIP", "signal_host", "signalling a host process", "no --pid given");
        report("SKIP", "ptrace_host", "ptrace of a host process", "no --pid given");
        return;
    }
    if (want("signal_host")) {
        snprintf(tried, sizeof tried, "kill(%ld, SIGCONT) of a process outside the instance", host_pid);
        int rc = kill((pid_t)host_pid, SIGCONT);
        int err = errno;
        if (rc == 0 && !pid_is_outside(host_pid))
            report("PASS", "signal_host", tried, "reached only a process of the instance's own that has the same number");
        else
            expect_fail("signal_host", tried, rc, err, "the signal was delivered");
    }
    if (want("ptrace_host")) {
        snprintf(tried, sizeof tried, "ptrace(PTRACE_ATTACH, %ld) of a process outside the instance", host_pid);
        long rc = ptrace(PTRACE_ATTACH, (pid_t)host_pid, 0, 0);
        int err = errno;
        if (rc == 0) {
            waitpid((pid_t)host_pid, NULL, __WALL);
            ptrace(PTRACE_DETACH, (pid_t)host_pid, 0, 0);
            if (!pid_is_outside(host_pid)) {
                report("PASS", "ptrace_host", tried, "reached only a process of the instance's own that has the same number");
                return;
            }
        }
        expect_fail("ptrace_host", tried, (int)rc, err, "attached to it");
    }
}

static void probe_mount(void)
{
    if (want("mount")) {
        mkdir("/tmp", 01777);
        int rc = mount("probe", "/tmp", "tmpfs", 0, "size=1m");
        int err = errno;
        if (rc == 0)
            umount2("/tmp", MNT_DETACH);
        expect_fail("mount", "mount(\"tmpfs\") on /tmp as root of the instance", rc, err, "mounted a new tmpfs");
    }
    if (want("mount_userns")) {
        /* A user namespace needs no capability; root in it may mount new superblocks unless seccomp stops it. */
        pid_t child = fork();
        if (child == 0) {
            if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                _exit(10 + (errno & 0x7f) % 100);
            if (mount("probe", "/tmp", "tmpfs", 0, "size=1m") < 0)
                _exit(120);
            _exit(0);
        }
        int status = 0;
        waitpid(child, &status, 0);
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
        const char *tried = "unshare(CLONE_NEWUSER|CLONE_NEWNS) then mount(\"tmpfs\") in the nested namespace";
        char result[128];
        if (code == 0)
            report("FAIL", "mount_userns", tried, "created a nested user namespace and mounted a new tmpfs in it");
        else {
            snprintf(result, sizeof result, code == 120 ? "unshare worked but mount was refused" : "unshare refused (errno %d)", code - 10);
            report("PASS", "mount_userns", tried, result);
        }
    }
}

static void probe_modules(void)
{
    if (!want("load_module"))
        return;
    struct stat st;
    int has_modules = stat("/proc/modules", &st) == 0;
    long rc = syscall(SYS_finit_module, -1, "", 0);
    int err = errno;
    long rc2 = syscall(SYS_init_module, NULL, 0, "");
    int err2 = errno;
    char result[256];
    const char *tried = "finit_module(-1) and init_module(NULL)";
    if (rc == 0 || rc2 == 0 || (err != EPERM && err != ENOSYS && err != EBADF) ) {
        snprintf(result, sizeof result, "the kernel accepted the call (errno %d/%d)", err, err2);
        report("FAIL", "load_module", tried, result);
    } else if (!has_modules) {
        snprintf(result, sizeof result, "refused (errno %d, %d); this kernel has no module support (no CONFIG_MODULES), "
                 "so loading cannot be shown to fail here by weakening the configuration", err, err2);
        report("PASS", "load_module", tried, result);
    } else {
        snprintf(result, sizeof result, "refused: %s (errno %d)", strerror(err), err);
        report(err == EBADF ? "FAIL" : "PASS", "load_module", tried, err == EBADF ? "the call reached the module loader (EBADF on the bad fd)" : result);
    }
}

static void probe_raw_device(void)
{
    if (!want("raw_device"))
        return;
    /* Any block device of the host: the first in /sys/dev/block (loop, virtio or sd disks). */
    char dev[300] = "7:0";
    DIR *d = opendir("/sys/dev/block");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char size_path[600], size[32];
        snprintf(size_path, sizeof size_path, "/sys/dev/block/%s/size", e->d_name);
        if (e->d_name[0] != '.' && read_file(size_path, size, sizeof size) > 0 && atol(size) > 0) {
            snprintf(dev, sizeof dev, "%s", e->d_name); /* a device with data: an unbound loop device reads nothing */
            break;
        }
    }
    if (d)
        closedir(d);
    unsigned maj = 7, min = 0;
    sscanf(dev, "%u:%u", &maj, &min);
    char tried[128], result[128];
    snprintf(tried, sizeof tried, "mknod /dev/probe-disk b %u %u, then open and read it", maj, min);
    unlink("/dev/probe-disk");
    if (mknod("/dev/probe-disk", S_IFBLK | 0600, makedev(maj, min)) < 0) {
        int err = errno;
        snprintf(result, sizeof result, "mknod refused: %s (errno %d)", strerror(err), err);
        report("PASS", "raw_device", tried, result);
        return;
    }
    int fd = open("/dev/probe-disk", O_RDONLY);
    int err = errno;
    char buf[512];
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
    if (fd >= 0)
        close(fd);
    unlink("/dev/probe-disk");
    if (fd >= 0 && n >= 0)
        report("FAIL", "raw_device", tried, "read the host's disk");
    else {
        snprintf(result, sizeof result, "node made but open refused: %s (errno %d)", strerror(err), err);
        report("PASS", "raw_device", tried, result);
    }
}

static void probe_sysctl(void)
{
    if (!want("sysctl_host"))
        return;
    /* vm.overcommit_ratio is host-wide; the probe writes back the value it read, so even a FAIL changes nothing. */
    const char *path = "/proc/sys/vm/overcommit_ratio";
    char value[64];
    if (read_file(path, value, sizeof value) < 0) {
        report("PASS", "sysctl_host", "reading /proc/sys/vm/overcommit_ratio", "not even readable");
        return;
    }
    int fd = open(path, O_WRONLY);
    int err = errno;
    int rc = fd;
    if (fd >= 0) {
        rc = (int)write(fd, value, strlen(value));
        err = errno;
        close(fd);
    }
    expect_fail("sysctl_host", "writing host-wide sysctl vm.overcommit_ratio (its own value back)", rc, err, "the write succeeded");
}

/* A masked path is /dev/null bind-mounted over it (a file) or an empty read-only tmpfs (a directory). */
static void probe_proc_file(const char *name, const char *path, const char *missing_reason)
{
    if (!want(name))
        return;
    char tried[128], result[256];
    snprintf(tried, sizeof tried, "reading %s", path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT && missing_reason)
            report("SKIP", name, tried, missing_reason);
        else {
            snprintf(result, sizeof result, "refused: %s (errno %d)", strerror(err), err);
            report("PASS", name, tried, result);
        }
        return;
    }
    struct stat st;
    fstat(fd, &st);
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
        report("PASS", name, tried, "masked (it is /dev/null: reads nothing)");
    else {
        snprintf(result, sizeof result, "opened the kernel's file and read %zd bytes", n);
        report("FAIL", name, tried, result);
    }
}

static void probe_keyring(void)
{
    if (!want("keyring"))
        return;
    long rc = syscall(SYS_add_key, "user", "berth-probe", "x", 1, -3 /* KEY_SPEC_SESSION_KEYRING */);
    int err = errno;
    long rc2 = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -4 /* KEY_SPEC_USER_KEYRING */, 0);
    int err2 = errno;
    char result[128];
    if (rc >= 0 || rc2 >= 0) {
        snprintf(result, sizeof result, "the kernel keyring answered (add_key %ld, keyctl %ld)", rc, rc2);
        report("FAIL", "keyring", "add_key to the session keyring and keyctl on the user keyring", result);
    } else {
        snprintf(result, sizeof result, "refused: %s / %s (errno %d, %d)", strerror(err), strerror(err2), err, err2);
        report("PASS", "keyring", "add_key to the session keyring and keyctl on the user keyring", result);
    }
}

static void probe_cgroup(void)
{
    if (!want("cgroup_limits"))
        return;
    const char *paths[] = {"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory.max",
                           "/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        char value[64];
        if (read_file(paths[i], value, sizeof value) < 0)
            continue;
        char tried[160];
        snprintf(tried, sizeof tried, "writing its own limit %s (its value back)", paths[i]);
        int fd = open(paths[i], O_WRONLY);
        int err = errno;
        int rc = fd;
        if (fd >= 0) {
            rc = (int)write(fd, value, strlen(value));
            err = errno;
            close(fd);
        }
        expect_fail("cgroup_limits", tried, rc, err, "the limit file took the write");
        return;
    }
    report("PASS", "cgroup_limits", "reading its cgroup limits", "no limit file visible");
}

static void probe_runtime_exe(void)
{
    if (!want("runtime_exe"))
        return;
    /* CVE-2019-5736: a handle on an outside process's binary (the runtime's) is later reopened for writing. */
    char tried[160], path[64], result[160];
    int fd = open("/proc/self/exe", O_WRONLY);
    int err = errno;
    if (fd >= 0) {
        close(fd);
        report("FAIL", "runtime_exe", "open(/proc/self/exe, O_WRONLY)", "opened its own running binary for writing");
        return;
    }
    if (host_pid <= 0) {
        snprintf(result, sizeof result, "refused: %s (errno %d); no --pid for the outside part", strerror(err), err);
        report("PASS", "runtime_exe", "open(/proc/self/exe, O_WRONLY)", result);
        return;
    }
    snprintf(tried, sizeof tried, "open(/proc/%ld/exe, O_PATH) of a process outside the instance, then reopen it for writing", host_pid);
    snprintf(path, sizeof path, "/proc/%ld/exe", host_pid);
    fd = open(path, O_PATH | O_CLOEXEC);
    err = errno;
    if (fd < 0 || !pid_is_outside(host_pid)) {
        if (fd >= 0)
            close(fd);
        snprintf(result, sizeof result, "no handle on an outside binary: %s (errno %d)", fd < 0 ? strerror(err) : "not an outside process", fd < 0 ? err : 0);
        report("PASS", "runtime_exe", tried, result);
        return;
    }
    char again[64];
    snprintf(again, sizeof again, "/proc/self/fd/%d", fd);
    int w = open(again, O_WRONLY);
    err = errno;
    snprintf(result, sizeof result, "got a handle on the outside binary (reopen for write now: %s)", w >= 0 ? "succeeded" : strerror(err));
    if (w >= 0)
        close(w);
    close(fd);
    report("FAIL", "runtime_exe", tried, result);
}

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--pid"))
            host_pid = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--marker"))
            marker = argv[i + 1];
        else if (!strcmp(argv[i], "--only"))
            only = argv[i + 1];
    }
    printf("berth probe suite: uid %d, pid %d\n", getuid(), getpid());
    probe_host_processes();
    probe_signal_and_ptrace();
    probe_mount();
    probe_modules();
    probe_raw_device();
    probe_sysctl();
    probe_proc_file("proc_kcore", "/proc/kcore", "this kernel has no /proc/kcore (no CONFIG_PROC_KCORE): nothing to read, so this probe cannot be shown to fail here");
    probe_proc_file("proc_keys", "/proc/keys", NULL);
    probe_keyring();
    probe_cgroup();
    probe_runtime_exe();
    report("TODO", "metadata_other_instance", "reaching another instance's metadata", "the metadata service (issue 9, item 3) adds this probe");
    report("TODO", "spoof_ip_mac", "sending as another IP or MAC", "the networking anti-spoofing feature adds this probe");
    printf("berth probe suite: %d failed\n", fails);
    return fails > 125 ? 125 : fails;
}
