#!/usr/bin/env python3
# notify-socket.py PATH: a stand-in for systemd's notification socket. Binds an AF_UNIX datagram
# socket at PATH, and prints one JSON line per datagram: receive time (monotonic ms), the sender's
# pid from SCM_CREDENTIALS, how many fds came with it (closed at once, which releases a
# systemd-notify waiting on BARRIER=1) and the message text.
import array, json, os, socket, struct, sys, time

path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
print(json.dumps({"listening": path}), flush=True)
ucred = struct.calcsize("3i")
while True:
    msg, anc, _flags, _addr = s.recvmsg(65536, socket.CMSG_SPACE(ucred) + socket.CMSG_SPACE(16 * 4))
    pid, nfds = None, 0
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("3i", data[:ucred])[0]
        elif level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
            for fd in fds:
                os.close(fd)
                nfds += 1
    print(json.dumps({"t": time.monotonic() * 1000, "pid": pid, "fds": nfds, "msg": msg.decode()}), flush=True)
