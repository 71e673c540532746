# The jailer: build/vmjail.  err.c (the project-wide error context) and
# jsonout.c (JSON strings for --json output) are linked into every binary
# (libvjcommon.a).

COMMON_LIB := $(BUILD)/libvjcommon.a
$(COMMON_LIB): $(OBJ)/jailer/err.o $(OBJ)/jailer/jsonout.o $(OBJ)/jailer/apparmor_profile.o
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

JAILER_SRCS := $(filter-out jailer/err.c jailer/jsonout.c jailer/apparmor_profile.c,$(wildcard jailer/*.c))
JAILER_OBJS := $(JAILER_SRCS:%.c=$(OBJ)/%.o)

# Libraries in dependency order (users first).
VMJAIL_LIBS := $(BPF_LIB) $(AUDIT_LIB) $(POLICY_LIB) $(COMMON_LIB)
VMJAIL_LDLIBS := -lbpf -lelf -lz -lseccomp -lcap-ng -lapparmor

# $(BUILD)/vmjail is linked in lib/build.mk: main() there, the rest in libvmjail.

# jailer objects may include generated headers (skeletons, constants)
$(JAILER_OBJS): | $(GEN_HEADERS)

