# The policy language and seccomp compiler: $(BUILD)/libvjpolicy.a, and the
# reviewers' tool $(BUILD)/vmjail-policy.  (owned by the policies work)
POLICY_LIB_SRCS := $(wildcard policies/lang/*.c policies/compile/*.c)
POLICY_LIB_OBJS := $(POLICY_LIB_SRCS:%.c=$(OBJ)/%.o) $(OBJ)/policies/lang/default_policy.o
POLICY_LIB := $(BUILD)/libvjpolicy.a
$(POLICY_LIB): $(POLICY_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Symbolic constants (KVM_RUN, AF_UNIX, ...) from this machine's headers.
POLICY_CONSTS := $(BUILD)/gen/vj_consts.h
$(POLICY_CONSTS): policies/lang/gen-consts.sh
	@mkdir -p $(dir $@)
	policies/lang/gen-consts.sh "$(CC)" $@.tmp && mv $@.tmp $@
GEN_HEADERS += $(POLICY_CONSTS)
$(OBJ)/policies/lang/consts.o: $(POLICY_CONSTS)

# x86_64 syscall names newer than libseccomp's table: the kernel headers'
# __NR_* plus policies/lang/syscalls-newer.txt.
POLICY_SYSCALLS := $(BUILD)/gen/vj_syscalls.h
$(POLICY_SYSCALLS): policies/lang/gen-syscalls.sh policies/lang/syscalls-newer.txt
	@mkdir -p $(dir $@)
	policies/lang/gen-syscalls.sh "$(CC)" policies/lang/syscalls-newer.txt $@.tmp && mv $@.tmp $@
GEN_HEADERS += $(POLICY_SYSCALLS)
$(OBJ)/policies/lang/syscalls.o: $(POLICY_SYSCALLS)

# The embedded default policy (.incbin; paths are relative to the top dir).
$(OBJ)/policies/lang/default_policy.o: policies/lang/default_policy.S policies/default.policy
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out -MMD -MP,$(CFLAGS)) -c -o $@ $<

# vmjail-policy: one file per subcommand.
POLICY_TOOL_SRCS := $(wildcard policies/tool/*.c)
POLICY_TOOL_OBJS := $(POLICY_TOOL_SRCS:%.c=$(OBJ)/%.o)
$(POLICY_TOOL_OBJS): | $(POLICY_CONSTS)
# libvjcommon.a is defined in jailer/build.mk, included after this file.
$(BUILD)/vmjail-policy: $(POLICY_TOOL_OBJS) $(POLICY_LIB) $(BUILD)/libvjcommon.a
	$(CC) $(LDFLAGS) -o $@ $(POLICY_TOOL_OBJS) $(POLICY_LIB) $(BUILD)/libvjcommon.a -lseccomp

all: $(BUILD)/vmjail-policy
# The Makefile installs policies/*.policy; the .inc files they include go with them.
INSTALL_EXTRA += install -m 0755 $(BUILD)/vmjail-policy $(DESTDIR)$(BINDIR)/vmjail-policy; \
	install -d $(DESTDIR)$(MANDIR)/man1; \
	install -m 0644 docs/vmjail-policy.1 $(DESTDIR)$(MANDIR)/man1/vmjail-policy.1; \
	install -m 0644 policies/*.inc $(DESTDIR)$(DATADIR)/policies/;
