# SPDX-License-Identifier: MIT
"""Prints where `make install PREFIX=...` puts the lablog package: the
site-packages (or Debian dist-packages) folder under PREFIX that this
Python searches, else the user site when PREFIX is the user base
(~/.local), else PREFIX/lib/pythonX.Y/site-packages.

    python3 python/_build/sitedir.py PREFIX
"""
import os
import site
import sys
import sysconfig


def main():
    prefix = os.path.realpath(os.path.expanduser(sys.argv[1]))
    ver = "%d.%d" % sys.version_info[:2]
    candidates = []
    for scheme in sysconfig.get_scheme_names():
        try:
            candidates.append(sysconfig.get_path(
                "purelib", scheme, vars={"base": prefix, "platbase": prefix,
                                         "userbase": prefix,
                                         "installed_base": prefix}))
        except KeyError:
            pass
    candidates += [os.path.join(prefix, "lib", "python3", "dist-packages"),
                   os.path.join(prefix, "lib", "python" + ver,
                                "dist-packages")]
    on_path = {os.path.realpath(p) for p in sys.path if p}
    for c in candidates:
        if os.path.realpath(c) in on_path:
            print(c)
            return
    if os.path.realpath(os.path.expanduser(site.getuserbase())) == prefix:
        print(site.getusersitepackages())
        return
    print(os.path.join(prefix, "lib", "python" + ver, "site-packages"))


main()
