# libvmjail (lib/vmjail.h): the whole jailer as a static and a shared
# library.  build/vmjail is lib/vmjail_cli.c (main -> vmjail_main) linked
# against libvmjail.a: the command is a client of the library.
LIBVMJAIL_OBJS := $(JAILER_OBJS) $(OBJ)/lib/api.o $(BPF_LIB_OBJS) $(AUDIT_LIB_OBJS) \
	$(POLICY_LIB_OBJS) $(OBJ)/jailer/err.o $(OBJ)/jailer/jsonout.o $(OBJ)/jailer/apparmor_profile.o \
	$(OBJ)/policies/tool/json.o
LIBVMJAIL_SONAME := libvmjail.so.0

$(BUILD)/libvmjail.a: $(LIBVMJAIL_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The shared library needs -fPIC objects (the PIE ones use the local-exec TLS
# model, which a shared object cannot); the same sources, compiled again into
# $(BUILD)/pic.  The embedded default policy is data only and is reused.
# Only the API is exported (lib/vmjail.map).
PICOBJ := $(BUILD)/pic
LIBVMJAIL_PIC_OBJS := $(patsubst $(OBJ)/%,$(PICOBJ)/%,$(filter-out %/default_policy.o,$(LIBVMJAIL_OBJS))) \
	$(OBJ)/policies/lang/default_policy.o
$(PICOBJ)/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out -fPIE,$(CFLAGS)) -fPIC -c -o $@ $<
$(BUILD)/$(LIBVMJAIL_SONAME): $(LIBVMJAIL_PIC_OBJS) lib/vmjail.map
	$(CC) -shared $(filter-out -pie,$(LDFLAGS)) -Wl,-soname,$(LIBVMJAIL_SONAME) \
		-Wl,--version-script=lib/vmjail.map -o $@ $(LIBVMJAIL_PIC_OBJS) $(VMJAIL_LDLIBS)
$(BUILD)/libvmjail.so: $(BUILD)/$(LIBVMJAIL_SONAME)
	ln -sf $(LIBVMJAIL_SONAME) $@

$(BUILD)/vmjail: $(OBJ)/lib/vmjail_cli.o $(BUILD)/libvmjail.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libvmjail.a $(VMJAIL_LDLIBS)

$(OBJ)/lib/api.o $(OBJ)/lib/vmjail_cli.o: | $(GEN_HEADERS)

all: $(BUILD)/vmjail $(BUILD)/libvmjail.a $(BUILD)/libvmjail.so

LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL_EXTRA += install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) && \
	install -m 0644 $(BUILD)/libvmjail.a $(DESTDIR)$(LIBDIR)/ && \
	install -m 0755 $(BUILD)/$(LIBVMJAIL_SONAME) $(DESTDIR)$(LIBDIR)/ && \
	ln -sf $(LIBVMJAIL_SONAME) $(DESTDIR)$(LIBDIR)/libvmjail.so && \
	install -m 0644 lib/vmjail.h $(DESTDIR)$(INCLUDEDIR)/vmjail.h && \
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
		lib/vmjail.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/vmjail.pc && \
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/vmjail.pc;
-include $(shell find $(PICOBJ) -name '*.d' 2>/dev/null)
