# The audit stream: $(BUILD)/libvjaudit.a (encoder, decoders, sinks) and the
# daemon $(BUILD)/vmjaild (which is also the follow client: `vmjaild follow`).
# (owned by the audit work)
AUDIT_LIB_SRCS := $(wildcard audit/lib/*.c)
AUDIT_LIB_OBJS := $(AUDIT_LIB_SRCS:%.c=$(OBJ)/%.o)
AUDIT_LIB := $(BUILD)/libvjaudit.a
$(AUDIT_LIB): $(AUDIT_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

VMJAILD_SRCS := $(wildcard audit/vmjaild/*.c)
VMJAILD_OBJS := $(VMJAILD_SRCS:%.c=$(OBJ)/%.o)
# libseccomp resolves syscall numbers in kernel records to names.
VMJAILD_LDLIBS := -lseccomp

# policies/tool/json.o: the strict JSON parser, for --audit-format ocsf
# (audit/lib/v1_decode.c turns supervisors' v1 lines back into events).
VMJAILD_OBJS += $(OBJ)/policies/tool/json.o
$(BUILD)/vmjaild: $(VMJAILD_OBJS) $(AUDIT_LIB) $(COMMON_LIB)
	$(CC) $(LDFLAGS) -o $@ $(VMJAILD_OBJS) $(AUDIT_LIB) $(COMMON_LIB) $(VMJAILD_LDLIBS)

all: $(BUILD)/vmjaild

# Appended to `make install` (Makefile runs $(INSTALL_EXTRA) as one line).
# (vmjaild.service is generated from dist/vmjaild.service.in: dist/build.mk)
INSTALL_EXTRA += install -m 0755 $(BUILD)/vmjaild $(DESTDIR)$(SBINDIR)/vmjaild;
