# The policy language and seccomp compiler: $(BUILD)/libvjpolicy.a, and the
# reviewers' tool $(BUILD)/vmjail-policy.  (owned by the policies work)
POLICY_LIB_SRCS := $(wildcard policies/lang/*.c policies/compile/*.c)
POLICY_LIB_OBJS := $(POLICY_LIB_SRCS:%.c=$(OBJ)/%.o)
POLICY_LIB := $(BUILD)/libvjpolicy.a
$(POLICY_LIB): $(POLICY_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
