#!/usr/bin/env python3
"""Edit-to-served time of the dev loop: `cargo dash dev -p hello`, five one-line edits of
examples/hello/src/main.rs (the title text; the file is restored at the end), each timed from
the save to the first `_dash-layout` answer holding the new text. Prints one line per edit and
the median. Run from the repository root after `cargo build -p cargo-dash`:

    python3 bench/dev_loop.py [--port 8091] [--edits 5]
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAIN = os.path.join(ROOT, "examples", "hello", "src", "main.rs")
TITLE = 'html::h1("Hello Dash")'


def layout(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=5) as r:
            return r.read().decode()
    except OSError:
        return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    original = open(MAIN).read()
    if TITLE not in original:
        sys.exit(f"{MAIN} no longer holds {TITLE}")
    runner = subprocess.Popen(
        [os.path.join(ROOT, "target", "debug", "cargo-dash"), "dash", "dev", "-p", "hello",
         "--port", str(args.port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    times = []
    try:
        started = time.time()
        while "Hello Dash" not in layout(args.port):
            if time.time() - started > 600:
                sys.exit("the app was not served within 600 s")
            time.sleep(0.2)
        print(f"first build served after {time.time() - started:.1f} s")
        for i in range(1, args.edits + 1):
            time.sleep(2)
            text = f"Hello Dash {i}"
            with open(MAIN, "w") as f:
                f.write(original.replace(TITLE, f'html::h1("{text}")'))
            saved = time.time()
            while text not in layout(args.port):
                if time.time() - saved > 120:
                    sys.exit(f"edit {i} was not served within 120 s")
                time.sleep(0.02)
            times.append(time.time() - saved)
            print(f"edit {i}: served {times[-1]:.2f} s after the save")
    finally:
        with open(MAIN, "w") as f:
            f.write(original)
        os.killpg(runner.pid, signal.SIGTERM)
        runner.wait(timeout=30)
    times.sort()
    print(f"median {times[len(times) // 2]:.2f} s, min {times[0]:.2f} s, max {times[-1]:.2f} s")
    print("load average:", open("/proc/loadavg").read().split()[:3])


if __name__ == "__main__":
    main()
