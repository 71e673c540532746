# The audit stream: $(BUILD)/libvjaudit.a (encoder, decoders, sinks) and the
# daemon.  (owned by the audit work)
AUDIT_LIB_SRCS := $(wildcard audit/lib/*.c)
AUDIT_LIB_OBJS := $(AUDIT_LIB_SRCS:%.c=$(OBJ)/%.o)
AUDIT_LIB := $(BUILD)/libvjaudit.a
$(AUDIT_LIB): $(AUDIT_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
