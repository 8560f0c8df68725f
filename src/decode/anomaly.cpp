#include "decode/anomaly.h"

namespace nta {

std::string_view anomaly_name(Anomaly a) noexcept {
  switch (a) {
    case Anomaly::kSnaplenCut:
      return "snaplen_cut";
    case Anomaly::kUnknownLinkType:
      return "unknown_link_type";
    case Anomaly::kEthernetTruncated:
      return "ethernet_truncated";
    case Anomaly::kVlanTruncated:
      return "vlan_truncated";
    case Anomaly::kVlanTooDeep:
      return "vlan_too_deep";
    case Anomaly::kMplsTruncated:
      return "mpls_truncated";
    case Anomaly::kSllTruncated:
      return "sll_truncated";
    case Anomaly::kNullTruncated:
      return "null_truncated";
    case Anomaly::kArpTruncated:
      return "arp_truncated";
    case Anomaly::kArpBadSizes:
      return "arp_bad_sizes";
    case Anomaly::kIpv4Truncated:
      return "ipv4_truncated";
    case Anomaly::kIpv4BadVersion:
      return "ipv4_bad_version";
    case Anomaly::kIpv4BadIhl:
      return "ipv4_bad_ihl";
    case Anomaly::kIpv4BadTotalLength:
      return "ipv4_bad_total_length";
    case Anomaly::kIpv4OptionsMalformed:
      return "ipv4_options_malformed";
    case Anomaly::kIpv4Fragment:
      return "ipv4_fragment";
    case Anomaly::kIpv6Truncated:
      return "ipv6_truncated";
    case Anomaly::kIpv6BadVersion:
      return "ipv6_bad_version";
    case Anomaly::kIpv6BadPayloadLength:
      return "ipv6_bad_payload_length";
    case Anomaly::kIpv6ExtTruncated:
      return "ipv6_ext_truncated";
    case Anomaly::kIpv6ExtTooMany:
      return "ipv6_ext_too_many";
    case Anomaly::kIpv6Fragment:
      return "ipv6_fragment";
    case Anomaly::kTcpTruncated:
      return "tcp_truncated";
    case Anomaly::kTcpBadDataOffset:
      return "tcp_bad_data_offset";
    case Anomaly::kTcpOptionsMalformed:
      return "tcp_options_malformed";
    case Anomaly::kUdpTruncated:
      return "udp_truncated";
    case Anomaly::kUdpBadLength:
      return "udp_bad_length";
    case Anomaly::kIcmpTruncated:
      return "icmp_truncated";
    case Anomaly::kIcmpv6Truncated:
      return "icmpv6_truncated";
    case Anomaly::kGreTruncated:
      return "gre_truncated";
    case Anomaly::kGreUnsupported:
      return "gre_unsupported";
    case Anomaly::kVxlanTruncated:
      return "vxlan_truncated";
    case Anomaly::kTunnelTooDeep:
      return "tunnel_too_deep";
    case Anomaly::kL4Truncated:
      return "l4_truncated";
    case Anomaly::kSctpTruncated:
      return "sctp_truncated";
    case Anomaly::kIpVersionUnknown:
      return "ip_version_unknown";
    case Anomaly::kNullUnknownFamily:
      return "null_unknown_family";
    case Anomaly::kCount:
      break;
  }
  return "unknown_anomaly";
}

}  // namespace nta
