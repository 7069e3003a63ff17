#!/usr/bin/python3
"""tst_atspi: the window as a screen reader hears it (issue 13 point 1).

Starts the real application on demo data (atspi_driver) under the X display and session bus it is given (scripts/test:
Xvfb and dbus-run-session), with Qt's accessibility on, and reads it through python3-pyatspi over the real AT-SPI
accessibility bus (at-spi-bus-launcher and the registry, as Orca would): the report list, the detail panel, the
downloads list, the message bar, the status bar, the sign-in, settings and shortcuts dialogs. What it hears is
compared with what the driver says the widgets show: a label is heard as its text, not as the name of its field.

    tst_atspi.py PATH/TO/atspi_driver
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

FIELD_NAMES = {"Report count", "Report title", "Status", "Connection", "Message text", "Message action",
               "Connection status", "Sign-in error", "Description", "Downloads summary", "Status icon"}
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return condition


def wait_for(predicate, seconds=20.0):
    """The accessibility bridge answers asynchronously: a condition is given some time, not a fixed sleep."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def ensure_accessibility_bus():
    """The session bus's org.a11y.Bus (at-spi-bus-launcher, started by scripts/test or activated by D-Bus)."""
    for var in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        if not os.environ.get(var):
            sys.exit(f"tst_atspi: no {var}; run it through scripts/test (Xvfb and a session bus)")
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    reply = bus.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None,
                          GLib.VariantType.new("(s)"), Gio.DBusCallFlags.NONE, 10000, None)
    address = reply.unpack()[0]
    if not address:
        sys.exit("tst_atspi: org.a11y.Bus gave no accessibility bus address")


def name(acc):
    try:
        return acc.name or ""
    except GLib.Error:
        return ""


def description(acc):
    try:
        return acc.description or ""
    except GLib.Error:
        return ""


def role(acc):
    try:
        return acc.getRole()
    except GLib.Error:
        return None


def children(acc):
    try:
        return [acc.getChildAtIndex(i) for i in range(acc.childCount)]
    except GLib.Error:
        return []


def walk(acc, into_views=False, depth=0):
    """Every object under `acc`; the cells of lists and tables only when asked (hundreds of them)."""
    yield acc
    if depth > 40:
        return
    if not into_views and role(acc) in (pyatspi.ROLE_TABLE, pyatspi.ROLE_TREE_TABLE, pyatspi.ROLE_LIST,
                                         pyatspi.ROLE_TREE):
        return
    for child in children(acc):
        if child is not None:
            yield from walk(child, into_views, depth + 1)


def find(root, predicate, into_views=False):
    return [acc for acc in walk(root, into_views) if predicate(acc)]


def states(acc):
    return acc.getState()


class Driver:
    def __init__(self, program):
        home = tempfile.mkdtemp(prefix="tst_atspi_")
        env = dict(os.environ)
        for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[var] = os.path.join(home, var.lower())
            os.makedirs(env[var], exist_ok=True)
        env.update(QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_ACCESSIBILITY="1")
        self.process = subprocess.Popen([program], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                        text=True, bufsize=1)

    def answer(self):
        for line in self.process.stdout:
            if line.startswith("READY "):
                return json.loads(line[len("READY "):])
        sys.exit("tst_atspi: the driver ended before it was ready")

    def send(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.answer()

    def stop(self):
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def application(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in children(desktop):
        try:
            if app is not None and app.get_process_id() == pid:
                app.set_cache_mask(Atspi.Cache.NONE)
                return app
        except GLib.Error:
            continue
    return None


def labels_heard_as_text(root, where):
    """No object of `root` is named after its field; a label with a description has its own text as its name."""
    for acc in find(root, lambda a: name(a) in FIELD_NAMES and role(a) == pyatspi.ROLE_LABEL):
        check(False, f"{where}: a label is heard as the field name '{name(acc)}'")


def window_checks(app, shown):
    frames = wait_for(lambda: find(app, lambda a: role(a) == pyatspi.ROLE_FRAME and "GetBill Reports" in name(a)))
    if not check(frames, "the main window is a frame named GetBill Reports"):
        return
    frame = frames[0]
    check(name(frame) == shown["windowTitle"], f"window named '{name(frame)}', shows '{shown['windowTitle']}'")

    def labelled(desc):
        return find(frame, lambda a: role(a) == pyatspi.ROLE_LABEL and description(a) == desc)

    # The detail panel: each value is heard as it reads, what it is in its description.
    title = labelled("Report title")
    check(title and name(title[0]) == shown["title"], f"detail title heard as {[name(t) for t in title]}, "
                                                       f"shows '{shown['title']}'")
    status = labelled("Status")
    check(any(name(s) == shown["status"] for s in status),
          f"detail status heard as {[name(s) for s in status]}, shows '{shown['status']}'")
    count = labelled("Report count")
    check(count and name(count[0]) == shown["count"], f"report count heard as {[name(c) for c in count]}, "
                                                       f"shows '{shown['count']}'")
    mode = labelled("Connection")
    check(mode and name(mode[0]) == shown["mode"], f"status bar heard as {[name(m) for m in mode]}, "
                                                   f"shows '{shown['mode']}'")

    # The report list: a table whose selected row is the panel's report, cells named by what they show.
    tables = find(frame, lambda a: role(a) == pyatspi.ROLE_TABLE and name(a) == "Reports")
    if check(tables, "the report list is a table named Reports"):
        table = tables[0].queryTable()
        check(table.nColumns == 6 and table.nRows >= 10, f"report table {table.nRows}x{table.nColumns}")
        headers = [name(table.getColumnHeader(c)) for c in range(table.nColumns)]
        check("Title" in headers and "Status" in headers, f"column headers {headers}")
        selected = table.getSelectedRows()
        check(len(selected) == 1, f"one selected row, not {selected}")
        if selected:
            cell = table.getAccessibleAt(selected[0], headers.index("Title") if "Title" in headers else 0)
            check(name(cell) == shown["title"], f"selected title cell '{name(cell)}', panel '{shown['title']}'")
            status_cell = table.getAccessibleAt(selected[0], headers.index("Status"))
            check(name(status_cell) == "Downloaded" and shown["saved"]["detail"] in description(status_cell),
                  f"selected status cell '{name(status_cell)}' / '{description(status_cell)}'")

    # The downloads list: each item says its title and state, its description the path or the error.
    lists = find(frame, lambda a: role(a) == pyatspi.ROLE_LIST and name(a) == "Download list")
    if check(lists, "the downloads list is a list named Download list"):
        items = {name(i): description(i) for i in children(lists[0]) if role(i) == pyatspi.ROLE_LIST_ITEM}
        saved = f"{shown['saved']['title']}, Saved"
        failed = f"{shown['failed']['title']}, Failed"
        check(items.get(saved) == shown["saved"]["detail"], f"saved item: {items}")
        check(failed in items and items[failed] == shown["failed"]["detail"], f"failed item: {items}")

    # The message bar: an error with its text, and a button heard as what it says.
    bars = find(frame, lambda a: name(a) == "Error" and description(a) == shown["message"])
    check(bars, f"the message bar is heard as an error saying '{shown['message']}'")
    buttons = find(frame, lambda a: role(a) == pyatspi.ROLE_PUSH_BUTTON and name(a) == shown["action"] and
                   description(a) == shown["message"])
    check(shown["action"] == "Retry" and buttons, f"the message bar's button is heard as '{shown['action']}'")
    texts = find(frame, lambda a: role(a) == pyatspi.ROLE_LABEL and name(a) == shown["message"])
    check(texts, "the message is heard as its text")
    labels_heard_as_text(frame, "main window")


def dialog(app, title):
    found = wait_for(lambda: find(app, lambda a: role(a) == pyatspi.ROLE_DIALOG and name(a) == title))
    check(found, f"a dialog named '{title}'")
    return found[0] if found else None


def sign_in_checks(app, shown):
    d = dialog(app, "Sign in to GetBill")
    if not d:
        return
    token = find(d, lambda a: role(a) == pyatspi.ROLE_PASSWORD_TEXT and name(a) == "Access token value")
    check(token, "the token field is a password text named Access token value")
    check(shown["focus"] == "tokenEdit", f"focus starts in {shown['focus']}")
    if token:
        check(wait_for(lambda: states(token[0]).contains(pyatspi.STATE_FOCUSED)), "the token field has the focus")
    status = find(d, lambda a: role(a) == pyatspi.ROLE_LABEL and description(a) == "Connection status")
    check(status and name(status[0]) == shown["status"] and shown["status"],
          f"connection status heard as {[name(s) for s in status]}, shows '{shown['status']}'")
    for button in ("Test and save", "Close", "Sign out"):
        check(find(d, lambda a, b=button: role(a) == pyatspi.ROLE_PUSH_BUTTON and name(a) == b), f"button {button}")
    labels_heard_as_text(d, "sign-in dialog")


def settings_checks(app, shown):
    d = dialog(app, "Settings")
    if not d:
        return
    spin = find(d, lambda a: role(a) == pyatspi.ROLE_SPIN_BUTTON and name(a) == "Downloads at once")
    check(spin and int(spin[0].queryValue().currentValue) == shown["concurrent"],
          f"Downloads at once is a spin button with value {shown['concurrent']}")
    tray = find(d, lambda a: role(a) == pyatspi.ROLE_CHECK_BOX and
                name(a) == "Keep downloading in the tray when the window closes")
    check(tray and states(tray[0]).contains(pyatspi.STATE_CHECKED) == shown["tray"], "the tray check box")
    address = find(d, lambda a: role(a) == pyatspi.ROLE_TEXT and name(a) == "API address")
    if check(address, "API address is a text field"):
        text = address[0].queryText()
        check(text.getText(0, -1) == shown["apiUrl"], f"API address reads '{text.getText(0, -1)}'")
    check(find(d, lambda a: role(a) == pyatspi.ROLE_LABEL and name(a) == shown["hint"]), "the hint is heard as text")
    labels_heard_as_text(d, "settings dialog")


def shortcuts_checks(app, shown):
    d = dialog(app, "Keyboard shortcuts")
    if not d:
        return
    views = find(d, lambda a: name(a) == "Shortcuts" and role(a) in (pyatspi.ROLE_TREE_TABLE, pyatspi.ROLE_TABLE,
                                                                      pyatspi.ROLE_TREE, pyatspi.ROLE_LIST))
    if check(views, "the shortcut list"):
        cells = [name(c) for c in walk(views[0], into_views=True)]
        check(shown["download"] in cells and "Download" in cells, f"the list says Download: {shown['download']}")


def main():
    ensure_accessibility_bus()
    global pyatspi, Atspi
    import pyatspi  # after the bus is known: pyatspi connects to it on import
    from gi.repository import Atspi

    driver = Driver(sys.argv[1])
    try:
        shown = driver.answer()
        app = wait_for(lambda: application(driver.process.pid))
        if not check(app, "the application is on the accessibility bus"):
            return 1
        check(name(app) == "GetBill Reports", f"application named '{name(app)}'")
        window_checks(app, shown)
        sign_in_checks(app, driver.send("signin"))
        driver.send("close")
        settings_checks(app, driver.send("settings"))
        driver.send("close")
        shortcuts_checks(app, driver.send("shortcuts"))
        driver.send("close")
    finally:
        driver.stop()
    print(f"tst_atspi: {len(failures)} failure(s)" if failures else "tst_atspi: all checks passed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
