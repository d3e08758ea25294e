"""The client's address behind the reverse proxies the deployment trusts (`DJANGO_TRUSTED_PROXY_COUNT`).

Each proxy appends the address it received the request from to X-Forwarded-For; the entries before those the
trusted proxies appended are whatever the client wrote, so they are never used.
"""

import ipaddress


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str:
    """The address the outermost of `trusted_proxies` proxies received the request from; the connection's own
    address without trusted proxies, or when the header has fewer entries than there are proxies, or a bad one."""
    if trusted_proxies <= 0:
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if len(hops) < trusted_proxies:
        return remote_addr
    address = hops[-trusted_proxies]
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return remote_addr
    return address
