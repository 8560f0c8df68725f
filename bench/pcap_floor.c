/* The floor for reading a capture: a minimal libpcap loop that only counts packets. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(argv[1], errbuf);
  if (p == NULL) {
    fprintf(stderr, "%s\n", errbuf);
    return 1;
  }
  struct pcap_pkthdr* h;
  const u_char* data;
  unsigned long n = 0;
  while (pcap_next_ex(p, &h, &data) == 1) ++n;
  printf("%lu\n", n);
  pcap_close(p);
  return 0;
}
