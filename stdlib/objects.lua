-- Objects: the stdlib's own values (sets, conditions, aggregates, targets)
-- as sealed handles. A rule holds a handle; the definition behind it is
-- kept here, out of the rule's reach, so a table dressed up with an
-- object's metatable is not an object (kind.is says so by this registry,
-- not by a metatable a rule could copy), and an object cannot be changed
-- once made. Its fields read through the handle as read-only views.

local objects = {}

-- A kind of object: wrap(definition) makes a handle, is(value) tells a
-- genuine one, definition(handle) gives the stdlib its definition.
-- methods are looked up first (set:having(...)).
function objects.kind(name, methods)
  local definitions = setmetatable({}, { __mode = "k" })
  local sealed = {
    __index = function(handle, key)
      local method = methods and methods[key]
      if method ~= nil then return method end
      return readonly(definitions[handle][key])
    end,
    __newindex = function()
      error("a " .. name .. " cannot be changed once made; build a new one", 2)
    end,
    __pairs = function(handle)
      local definition = definitions[handle]
      return function(_, key)
        local k, v = next(definition, key)
        return k, readonly(v)
      end, handle, nil
    end,
    __len = function(handle) return #definitions[handle] end,
    __metatable = name,
  }
  local kind = {}
  function kind.wrap(definition)
    local handle = setmetatable({}, sealed)
    definitions[handle] = definition
    return handle
  end
  function kind.is(value) return definitions[value] ~= nil end
  function kind.definition(value) return definitions[value] end
  return kind
end

return objects
