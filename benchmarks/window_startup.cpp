// window_startup: time from starting a program to its first top-level window being mapped on the X server, as
// the user sees it appear. Watches the root window's SubstructureNotify for MapNotify (so it works with any
// program and needs no hook in it), starts the program, and ends it with SIGTERM once the window is there.
// Prints each run and the median in milliseconds.
//
//   window_startup [--runs N] [--timeout-ms MS] -- PROGRAM [ARGS...]
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>
#include <xcb/xcb.h>

extern char **environ;

namespace {

double nowMs()
{
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_nsec) / 1e6;
}

void stopChild(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < 500; ++i) {
        if (waitpid(pid, nullptr, WNOHANG) == pid)
            return;
        usleep(10'000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

/// One run: milliseconds to the first mapped top-level window, or a negative value on failure.
double measure(char **argv, int timeoutMs)
{
    int screenNumber = 0;
    xcb_connection_t *x = xcb_connect(nullptr, &screenNumber);
    if (xcb_connection_has_error(x)) {
        std::fprintf(stderr, "window_startup: cannot connect to the X server (DISPLAY)\n");
        return -1;
    }
    xcb_screen_iterator_t screens = xcb_setup_roots_iterator(xcb_get_setup(x));
    for (int i = 0; i < screenNumber; ++i)
        xcb_screen_next(&screens);
    const uint32_t mask = XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY;
    xcb_change_window_attributes(x, screens.data->root, XCB_CW_EVENT_MASK, &mask);
    // A round trip: the server has the mask before the program can map anything.
    free(xcb_get_input_focus_reply(x, xcb_get_input_focus(x), nullptr));

    const double start = nowMs();
    pid_t pid = -1;
    if (const int rc = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv, environ); rc != 0) {
        std::fprintf(stderr, "window_startup: cannot start %s: %s\n", argv[0], std::strerror(rc));
        xcb_disconnect(x);
        return -1;
    }
    double shown = -1;
    pollfd fd{xcb_get_file_descriptor(x), POLLIN, 0};
    while (shown < 0 && nowMs() - start < timeoutMs) {
        if (waitpid(pid, nullptr, WNOHANG) == pid) {
            std::fprintf(stderr, "window_startup: %s exited before showing a window\n", argv[0]);
            pid = -1;
            break;
        }
        poll(&fd, 1, 50);
        while (xcb_generic_event_t *event = xcb_poll_for_event(x)) {
            if ((event->response_type & 0x7f) == XCB_MAP_NOTIFY) {
                const auto *map = reinterpret_cast<xcb_map_notify_event_t *>(event);
                if (!map->override_redirect && shown < 0)
                    shown = nowMs() - start;
            }
            free(event);
        }
        if (xcb_connection_has_error(x))
            break;
    }
    if (pid > 0)
        stopChild(pid);
    xcb_disconnect(x);
    if (shown < 0 && pid > 0)
        std::fprintf(stderr, "window_startup: no window within %d ms\n", timeoutMs);
    return shown;
}

} // namespace

int main(int argc, char *argv[])
{
    int runs = 5;
    int timeoutMs = 30'000;
    int i = 1;
    for (; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--runs" && i + 1 < argc)
            runs = std::atoi(argv[++i]);
        else if (arg == "--timeout-ms" && i + 1 < argc)
            timeoutMs = std::atoi(argv[++i]);
        else if (arg == "--") {
            ++i;
            break;
        } else {
            std::fprintf(stderr, "usage: window_startup [--runs N] [--timeout-ms MS] -- PROGRAM [ARGS...]\n");
            return 2;
        }
    }
    if (i >= argc || runs < 1) {
        std::fprintf(stderr, "usage: window_startup [--runs N] [--timeout-ms MS] -- PROGRAM [ARGS...]\n");
        return 2;
    }
    std::vector<double> times;
    for (int run = 0; run < runs; ++run) {
        const double ms = measure(argv + i, timeoutMs);
        if (ms < 0)
            return 1;
        std::printf("run %d: %.1f ms\n", run + 1, ms);
        times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    std::printf("first_window_ms_median=%.1f\n", times[times.size() / 2]);
    return 0;
}
