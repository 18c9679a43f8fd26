"""Speed and memory benchmarks run by ``make bench``; each prints its figures beside its goal."""
