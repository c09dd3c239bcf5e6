# A cron-style Python script with the standard library: urlopen's errors are left unhandled.
import sys
import urllib.request

urllib.request.urlopen(sys.argv[1], timeout=2).read()
