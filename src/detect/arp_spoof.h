#pragma once
// arp_spoof: ARP cache poisoning (T1557.002). ARP is outside flows, so this reads the packets.
// Keeps the address-to-MAC bindings that ARP traffic shows (claims in replies and gratuitous
// ARPs, and the requester named in each reply's target fields). Alerts (high) when an address
// bound to one MAC within binding_seconds is claimed by another, naming the new MAC as the
// attacker; and (medium) when one station sends min_unsolicited_replies replies that answer no
// request seen within request_wait_seconds. The attacker's own address is named when its MAC has
// asked for another address in an ARP request (spoofing tools answer; they rarely ask).
#include <array>
#include <cstdint>

#include "decode/packet_view.h"
#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"

namespace nta {

class ArpSpoofDetector {
 public:
  ArpSpoofDetector(const ArpSpoofRules& rules, std::size_t max_tracked, AlertLog& log);

  void on_arp(const PacketView& p);

  [[nodiscard]] std::uint64_t evictions() const noexcept {
    return bindings_.evictions() + requests_.evictions() + stations_.evictions() + requesters_.evictions();
  }

 private:
  using Mac = std::array<std::uint8_t, 6>;
  using MacKey = WordKey<1>;
  struct Binding {
    Mac mac{};
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    Mac rival{};               // the latest other MAC that claimed the address
    std::uint32_t rival_claims = 0;
    bool fired = false;
    Throttle throttle;
  };
  struct Request {
    std::int64_t last_ns = 0;
  };
  struct Requester {
    IpAddress ip;
  };
  struct Station {
    Window window;
    std::uint32_t unsolicited = 0;
    std::uint32_t replies = 0;
    IpAddress last_claim;
    IpAddress last_target;
    bool fired = false;
    Throttle throttle;
  };

  void claim(const IpAddress& ip, const Mac& mac, const PacketView& p, bool gratuitous);
  static MacKey mac_key(const Mac& mac) noexcept;
  // The address the station with this MAC asked from, if it ever sent a request.
  IpAddress own_address(const Mac& mac) noexcept;

  ArpSpoofRules rules_;
  std::int64_t binding_ns_;
  std::int64_t window_ns_;
  std::int64_t wait_ns_;
  AlertLog& log_;
  LruTable<HostKey, Binding, WordKeyHash> bindings_;
  LruTable<HostKey, Request, WordKeyHash> requests_;
  LruTable<MacKey, Station, WordKeyHash> stations_;
  LruTable<MacKey, Requester, WordKeyHash> requesters_;
};

}  // namespace nta
