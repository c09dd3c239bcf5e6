# A cron-style Python script with the standard library: urlopen's errors are left unhandled.
import sys
import urllib.request

urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2]) if len(sys.argv) > 2 else 2).read()
