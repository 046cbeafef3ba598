#!/usr/bin/env python3
"""A TCP relay that counts round trips between a client and a database server.

A round trip is counted each time the client sends after the server has answered (and for the
client's first message), so connection set-up (TLS, authentication) is included.
usage: introspect_proxy.py LISTEN_PORT TARGET_PORT COUNT_FILE   (serves one connection at a time, forever)
"""
import select
import socket
import sys

listen_port, target_port, count_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen_port))
server.listen(8)
while True:
    client, _ = server.accept()
    upstream = socket.create_connection(("127.0.0.1", target_port))
    trips, last = 0, "server"
    open_ = True
    while open_:
        ready, _, _ = select.select([client, upstream], [], [])
        for sock in ready:
            data = sock.recv(65536)
            if not data:
                open_ = False
                break
            if sock is client:
                if last == "server":
                    trips += 1
                last = "client"
                upstream.sendall(data)
            else:
                last = "server"
                client.sendall(data)
    client.close()
    upstream.close()
    with open(count_file, "a") as f:
        f.write(f"{trips}\n")
