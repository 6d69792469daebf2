namespace Berth.Core.Instances.Containers;

/// <summary>
/// The default seccomp profile of lx instances, as data: an allowlist in the manner of Docker's default (Docker's and
/// Podman's allowed calls for a container without CAP_SYS_ADMIN), anything else refused. docs/containers.md explains it.
/// </summary>
public static class OciSeccomp
{
    /// <summary>errno of calls the profile does not know: ENOSYS, so programs fall back as on an older kernel (glibc: clone3 to clone).</summary>
    public const int UnknownErrno = 38;

    /// <summary>errno of the calls refused by name: EPERM, what the kernel says to an unprivileged caller.</summary>
    public const int DeniedErrno = 1;

    /// <summary>The namespace flags of clone (CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET): refused unless nesting.</summary>
    public const ulong CloneNamespaceFlags = 0x7E020000;

    /// <summary>Architectures the filter covers: the host's and the 32-bit ABIs it can run, so no call escapes through another ABI.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"];

    /// <summary>The personality(2) values allowed (Linux, and the variants Docker allows); others would change the ABI.</summary>
    public static IReadOnlyList<ulong> Personalities { get; } = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

    /// <summary>Calls every instance may make.</summary>
    public static IReadOnlyList<string> Allowed { get; } =
    [
        "_llseek", "_newselect", "accept", "accept4", "access", "adjtimex", "alarm", "arch_prctl", "bind", "brk", "capget",
        "capset", "chdir", "chmod", "chown", "chown32", "clock_getres", "clock_getres_time64", "clock_gettime",
        "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range", "connect",
        "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
        "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
        "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64",
        "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32", "fchownat", "fcntl",
        "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat",
        "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_time64",
        "futimesat", "get_mempolicy", "get_robust_list", "get_thread_area", "getcpu", "getcwd", "getdents",
        "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
        "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
        "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "getrusage", "getsid",
        "getsockname", "getsockopt", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "inotify_add_watch",
        "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents", "io_setup",
        "io_submit", "ioctl", "ioprio_get", "ioprio_set", "ipc", "kill", "landlock_add_rule",
        "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat",
        "listen", "listxattr", "llistxattr", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise",
        "mbind", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat",
        "mlock", "mlock2", "mlockall", "mmap", "mmap2", "modify_ldt", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
        "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap",
        "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at",
        "nanosleep", "newfstatat", "open", "openat", "openat2", "pause", "pidfd_getfd", "pidfd_open",
        "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll",
        "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease", "process_vm_readv",
        "process_vm_writev", "pselect6", "pselect6_time64", "ptrace", "pwrite64", "pwritev", "pwritev2", "read",
        "readahead", "readdir", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64",
        "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir",
        "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
        "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_get_priority_max",
        "sched_get_priority_min", "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_getscheduler",
        "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
        "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop",
        "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto",
        "set_mempolicy", "set_robust_list", "set_thread_area", "set_tid_address", "setfsgid", "setfsgid32",
        "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid",
        "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid",
        "setreuid32", "setrlimit", "setsid", "setsockopt", "setuid", "setuid32", "setxattr", "shmat", "shmctl",
        "shmdt", "shmget", "shutdown", "sigaction", "sigaltstack", "signal", "signalfd", "signalfd4", "sigpending",
        "sigprocmask", "sigreturn", "sigsuspend", "socket", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
        "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "syscall", "sysinfo", "tee",
        "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64",
        "timer_settime", "timer_settime64", "timerfd", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
        "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask",
        "uname", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes", "vfork", "wait4", "waitid",
        "waitpid", "write", "writev",
    ];

    /// <summary>Calls refused with EPERM to every instance, however configured (but privileged ones, which have no filter), and why.</summary>
    public static IReadOnlyList<(string Syscall, string Reason)> Denied { get; } =
    [
        ("keyctl", "the kernel keyring is not namespaced: keys of the host and other instances"),
        ("add_key", "the kernel keyring is not namespaced"),
        ("request_key", "the kernel keyring is not namespaced (and it can call host helpers)"),
        ("kexec_load", "replaces the host kernel"),
        ("kexec_file_load", "replaces the host kernel"),
        ("init_module", "loads code into the host kernel"),
        ("finit_module", "loads code into the host kernel"),
        ("delete_module", "unloads host kernel modules"),
        ("open_by_handle_at", "opens files by handle, past the root directory (the 'shocker' escape)"),
        ("bpf", "loads programs into the host kernel; a large attack surface"),
        ("perf_event_open", "observes the host and other instances; a large attack surface"),
        ("userfaultfd", "lets an attacker pause the kernel mid-copy, a staple of kernel exploits"),
        ("io_uring_setup", "a large, often exploited kernel surface that seccomp cannot see into"),
        ("io_uring_enter", "see io_uring_setup"),
        ("io_uring_register", "see io_uring_setup"),
        ("syslog", "reads and clears the host kernel log"),
        ("reboot", "the instance's init stops by exiting; reboot is refused (busybox init then exits, see below)"),
        ("swapon", "changes the host's swap"),
        ("swapoff", "changes the host's swap"),
        ("acct", "process accounting is host-wide"),
        ("quotactl", "changes quotas of host filesystems"),
        ("lookup_dcookie", "leaks host path names"),
        ("fanotify_init", "watches host filesystems"),
        ("iopl", "raw I/O port access"),
        ("ioperm", "raw I/O port access"),
        ("settimeofday", "the clock is host-wide"),
        ("clock_settime", "the clock is host-wide"),
        ("clock_adjtime", "the clock is host-wide"),
        ("vhangup", "hangs up terminals"),
        ("kcmp", "compares kernel objects of other processes (needs ptrace rights; Docker refuses it)"),
        ("process_madvise", "acts on other processes' memory"),
        ("nfsservctl", "host NFS server"),
        ("uselib", "obsolete, a past source of kernel bugs"),
        ("vm86", "obsolete 16-bit mode"),
        ("vm86old", "obsolete 16-bit mode"),
    ];

    /// <summary>Calls refused (EPERM) unless the manifest sets <c>nesting</c>, which allows them; clone without namespace flags is always allowed.</summary>
    public static IReadOnlyList<(string Syscall, string Reason)> NestingOnly { get; } =
    [
        ("unshare", "a user namespace needs no capability: inside it root could mount filesystems and reach code paths only host root should"),
        ("setns", "joins namespaces"),
        ("mount", "mounts (the kernel already refuses it without CAP_SYS_ADMIN; with a nested user namespace it would allow new superblocks)"),
        ("umount", "see mount"),
        ("umount2", "see mount"),
        ("pivot_root", "see mount"),
        ("mount_setattr", "the new mount API, see mount"),
        ("move_mount", "the new mount API, see mount"),
        ("open_tree", "the new mount API, see mount"),
        ("fsopen", "the new mount API: creates superblocks"),
        ("fsconfig", "the new mount API"),
        ("fsmount", "the new mount API"),
        ("fspick", "the new mount API"),
    ];
}
