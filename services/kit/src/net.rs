//! Who the client is behind a reverse proxy: the proxies the operator trusts, as address
//! ranges, and the client address they report in `X-Forwarded-For`.

use serde::Deserialize;
use std::net::IpAddr;
use std::str::FromStr;

/// An address range such as `10.0.0.0/8` or `fd00::/8`; a bare address is its own range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Cidr {
    network: IpAddr,
    bits: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not an address range such as 10.0.0.0/8 or an address");
        let (address, bits) = match s.split_once('/') {
            Some((address, bits)) => (address, Some(bits.parse::<u8>().map_err(|_| bad())?)),
            None => (s, None),
        };
        let network: IpAddr = address.trim().parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        if bits > max {
            return Err(bad());
        }
        Ok(Self { network, bits })
    }
}

impl TryFrom<String> for Cidr {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let prefix = |bytes: &[u8], bits: u8| -> Vec<u8> {
            bytes
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let keep = bits.saturating_sub(8 * i as u8).min(8);
                    if keep == 0 { 0 } else { b & (0xffu8 << (8 - keep)) }
                })
                .collect()
        };
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix(&n.octets(), self.bits) == prefix(&a.octets(), self.bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix(&n.octets(), self.bits) == prefix(&a.octets(), self.bits),
            _ => false,
        }
    }
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy, in which case
/// the right-most address of `X-Forwarded-For` that is not itself a trusted proxy (the
/// left-most entries are whatever the client claims, so they are never believed).
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else { return peer };
    let mut client = peer;
    for hop in header.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            // An entry that is no address ends what can be believed.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_contain_their_addresses() {
        let private: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(private.contains(ip("10.42.0.7")) && !private.contains(ip("11.0.0.1")));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        assert!(one.contains(ip("::ffff:127.0.0.1")), "an IPv4-mapped peer is its IPv4 address");
        let odd: Cidr = "192.168.4.0/22".parse().unwrap();
        assert!(odd.contains(ip("192.168.7.255")) && !odd.contains(ip("192.168.8.0")));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")) && !v6.contains(ip("10.0.0.1")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err() && "ten".parse::<Cidr>().is_err());
    }

    #[test]
    fn only_a_trusted_proxy_is_believed() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let header = Some("6.6.6.6, 203.0.113.7, 10.1.1.1");
        assert_eq!(client_address(ip("10.0.0.2"), header, &trusted), ip("203.0.113.7"), "the last untrusted hop");
        assert_eq!(client_address(ip("198.51.100.1"), header, &trusted), ip("198.51.100.1"), "not via a proxy");
        assert_eq!(client_address(ip("10.0.0.2"), None, &trusted), ip("10.0.0.2"));
        assert_eq!(client_address(ip("10.0.0.2"), Some("junk, 203.0.113.9"), &trusted), ip("203.0.113.9"));
        assert_eq!(client_address(ip("10.0.0.2"), Some("203.0.113.9, junk"), &trusted), ip("10.0.0.2"));
        assert_eq!(client_address(ip("10.0.0.2"), header, &[]), ip("10.0.0.2"), "no proxy trusted by default");
    }
}
