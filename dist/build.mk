# What an operator installs besides the binaries: systemd units, tmpfiles.d,
# bash completion, vmjaild(8).  The units are templates (dist/*.in): `make
# install` writes the real paths of this PREFIX into them, so PREFIX=/usr and
# PREFIX=/usr/local both give units that start the installed binaries.
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

DIST_SUBST := sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
	-e 's|@DATADIR@|$(DATADIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

INSTALL_EXTRA += install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(TMPFILESDIR) \
	$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSCONFDIR)/vmjail && \
	$(DIST_SUBST) dist/vmjaild.service.in >$(DESTDIR)$(UNITDIR)/vmjaild.service && \
	$(DIST_SUBST) dist/vmjail@.service.in >$(DESTDIR)$(UNITDIR)/vmjail@.service && \
	$(DIST_SUBST) dist/vmjail.tmpfiles.in >$(DESTDIR)$(TMPFILESDIR)/vmjail.conf && \
	chmod 0644 $(DESTDIR)$(UNITDIR)/vmjaild.service $(DESTDIR)$(UNITDIR)/vmjail@.service \
		$(DESTDIR)$(TMPFILESDIR)/vmjail.conf && \
	install -m 0644 dist/completions/vmjail dist/completions/vmjail-policy \
		$(DESTDIR)$(BASHCOMPDIR)/ && \
	install -m 0644 docs/vmjaild.8 $(DESTDIR)$(MANDIR)/man8/vmjaild.8;
